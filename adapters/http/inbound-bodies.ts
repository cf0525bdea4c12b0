import { z } from 'zod';
import { HisEventKinds } from '../../core/channels/his-event.js';
import { InboundStates } from '../../core/channels/inbound-message.js';

/** Query and bodies of /api/v1/inbound; field names as the OpenAPI description shows them. */

const iso = z
  .string()
  .refine((v) => !Number.isNaN(Date.parse(v)), 'expected an ISO date or time')
  .transform((v) => new Date(v).toISOString());

const filter = {
  channel: z.string().min(1).max(40).optional(),
  state: z.enum(InboundStates).optional(),
  kind: z.enum(HisEventKinds).optional(),
  reference: z.string().min(1).max(64).optional(),
  originalId: z.string().min(1).max(24).optional(),
  from: iso.optional(),
  to: iso.optional(),
};

export const inboundQuery = z
  .object({
    ...filter,
    afterId: z.string().min(1).max(24).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

/** A batch re-drive needs at least one condition: "everything" is not a filter. */
export const redriveFilterBody = z
  .object(filter)
  .strict()
  .refine((f) => Object.values(f).some((v) => v !== undefined), 'give at least one condition (channel, state, …)');
