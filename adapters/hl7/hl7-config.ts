/**
 * One HL7 v2 / MLLP channel: where it listens, how its bytes are encoded, and where the dispense or return sits in
 * the HIS's messages. The defaults are the mapping written down in docs/hl7-channel.md; a hospital whose HIS puts a
 * value elsewhere names the field here instead of patching code.
 */
import { z } from 'zod';
import { parseFieldPath, type Hl7FieldPath } from './hl7-field-path.js';

export const Hl7Charsets = ['utf-8', 'gbk', 'gb18030'] as const;
export type Hl7Charset = (typeof Hl7Charsets)[number];

const fieldPath = z.string().transform((text, ctx): Hl7FieldPath => {
  const path = parseFieldPath(text);
  if (!path) {
    ctx.addIssue({ code: 'custom', message: `expected a field path such as PID.3 or ZTC.2.1, got "${text}"` });
    return z.NEVER;
  }
  return path;
});

/**
 * Trace codes: repetitions (`~`) of one field in the line's segment group (the RXD/RXE and what follows it), given
 * as `{ segment: 'ZTC', field: 2 }` or as a path `{ field: 'RXD.35' }`.
 */
const codesSchema = z
  .object({
    segment: z
      .string()
      .regex(/^[A-Z][A-Z0-9]{2}$/)
      .optional(),
    field: z.union([z.number().int().min(1).max(999), z.string()]),
    component: z.number().int().min(1).max(99).optional(),
    /** A field of that segment holding the line number it belongs to, checked against the line's own. */
    lineField: z.number().int().min(1).max(999).optional(),
  })
  .strict()
  .transform((c, ctx): CodesLocation => {
    const path = codesPath(c);
    if (typeof path === 'string') {
      ctx.addIssue({ code: 'custom', message: path });
      return z.NEVER;
    }
    return { path, lineField: c.lineField ?? null };
  });

/** The path, or what is wrong with the setting. */
function codesPath(c: { segment?: string; field: number | string; component?: number }): Hl7FieldPath | string {
  if (typeof c.field === 'number') {
    return c.segment
      ? { segment: c.segment, field: c.field, component: c.component ?? null }
      : 'codes.segment is required when codes.field is a number';
  }
  if (c.segment !== undefined || c.component !== undefined) {
    return 'with a path such as codes.field "RXD.35", leave codes.segment and codes.component out';
  }
  return parseFieldPath(c.field) ?? `expected a field path such as RXD.35 or ZTC.2.1, got "${c.field}"`;
}

export interface CodesLocation {
  path: Hl7FieldPath;
  lineField: number | null;
}

const returnsSchema = z
  .object({
    /** ORC-1 order control codes that make the message a return (CR = canceled as requested). */
    orderControls: z.array(z.string().min(1).max(2)).default(['CR']),
    /** A line with a negative quantity makes the message a return (of that many boxes). */
    negativeQuantity: z.boolean().default(true),
  })
  .strict()
  .prefault({});

const mappingSchema = z
  .object({
    patientId: fieldPath.prefault('PID.3'),
    patientName: fieldPath.prefault('PID.5'),
    visitNo: fieldPath.prefault('PV1.19'),
    /** Tried in order: the placer's number, then the filler's. */
    prescriptionNo: z.array(fieldPath).min(1).prefault(['ORC.2', 'ORC.3']),
    doctor: fieldPath.nullable().prefault('ORC.12'),
    /** mdtrt_id: present = an insured prescription, absent = self-pay. */
    insuranceVisitId: fieldPath.nullable().prefault('PV1.50'),
    settlementId: fieldPath.nullable().prefault('FT1.2'),
    /** The pharmacy window; not read unless configured (HL7 has no field that means it). */
    location: fieldPath.nullable().prefault(null),
    /** Tried in order, for returns. */
    returnReason: z.array(fieldPath).prefault(['ZTC.3', 'NTE.3']),
    codes: codesSchema.prefault({ segment: 'ZTC', field: 2, lineField: 1 }),
    /** RDE^O11 (an encoded order carrying the codes): decided as a dispense, or refused as not for this channel. */
    rdeO11: z.enum(['dispense', 'refuse']).default('dispense'),
    returns: returnsSchema,
  })
  .strict()
  .prefault({});

export const hl7ChannelSchema = z
  .object({
    /** The inbound store keys messages by channel name (≤ 40 characters). */
    name: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,40}$/)
      .default('hl7'),
    host: z.string().min(1).default('0.0.0.0'),
    /** 0 lets the system choose (tests). */
    port: z.coerce.number().int().min(0).max(65535),
    /** How the HIS encodes its bytes; it wins over MSH-18 (many HIS send GBK with MSH-18 empty or wrong). */
    charset: z.enum(Hl7Charsets).default('utf-8'),
    /** A frame longer than this is answered AR and its connection closed. */
    maxFrameBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024),
    /** MSH-3/MSH-4 of the ACKs tracegate sends. */
    ack: z
      .object({
        sendingApplication: z.string().min(1).max(180).default('TRACEGATE'),
        sendingFacility: z.string().max(180).default(''),
      })
      .strict()
      .prefault({}),
    mapping: mappingSchema,
  })
  .strict();

export type Hl7ChannelConfig = z.output<typeof hl7ChannelSchema>;
export type Hl7ChannelInput = z.input<typeof hl7ChannelSchema>;
export type Hl7Mapping = Hl7ChannelConfig['mapping'];
