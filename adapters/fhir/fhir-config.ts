/**
 * The FHIR R4 channel's configuration: POST /fhir/MedicationDispense (the HIS pushes), polling the HIS's FHIR server
 * (tracegate pulls), and the URIs that say which identifier is a trace code, which coding a HIS drug code, and
 * which `type` marks a return. No national FHIR code system exists for 药品追溯码, so the defaults are tracegate's
 * own `urn:tracegate:` names (absolute URIs that pretend to resolve nowhere); a site sets its own if it has them.
 */
import { z } from 'zod';

export const DEFAULT_FHIR_SYSTEMS = {
  traceCode: 'urn:tracegate:trace-code',
  hisDrugCode: 'urn:tracegate:his-drug-code',
  prescription: 'urn:tracegate:prescription-no',
} as const;

export const DEFAULT_FHIR_EXTENSIONS = {
  /** On MedicationDispense, repeated: valueReference to one Medication per pack (box). */
  pack: 'urn:tracegate:extension:pack',
  /** On MedicationDispense: valuePositiveInt (or valueInteger), the prescription's line number (default 1). */
  prescriptionLine: 'urn:tracegate:extension:prescription-line',
  /** On MedicationDispense: valueString, the insurance visit id (mdtrt_id); present = insured settlement. */
  insuranceVisit: 'urn:tracegate:extension:insurance-visit',
} as const;

export const DEFAULT_RETURN_MARKER = { system: 'urn:tracegate:dispense-type', code: 'RETURN' } as const;

const uri = z.string().min(1).max(300);

export const fhirCodesSchema = z
  .object({
    systems: z
      .object({
        traceCode: uri.default(DEFAULT_FHIR_SYSTEMS.traceCode),
        hisDrugCode: uri.default(DEFAULT_FHIR_SYSTEMS.hisDrugCode),
        prescription: uri.default(DEFAULT_FHIR_SYSTEMS.prescription),
      })
      .strict()
      .prefault({}),
    extensions: z
      .object({
        pack: uri.default(DEFAULT_FHIR_EXTENSIONS.pack),
        prescriptionLine: uri.default(DEFAULT_FHIR_EXTENSIONS.prescriptionLine),
        insuranceVisit: uri.default(DEFAULT_FHIR_EXTENSIONS.insuranceVisit),
      })
      .strict()
      .prefault({}),
    /** A MedicationDispense whose `type` has this coding is a return (R4 has no "returned" status). */
    returnMarker: z
      .object({ system: uri.default(DEFAULT_RETURN_MARKER.system), code: z.string().min(1).default('RETURN') })
      .strict()
      .prefault({}),
  })
  .strict();

const postSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** The inbound channel's name (messages are stored and listed under it). */
    channel: z.string().min(1).max(40).default('fhir'),
    /** One MedicationDispense with its packs is a few KB; a body above this is answered 413. */
    bodyLimitKb: z.number().int().min(1).max(10_240).default(512),
  })
  .strict();

const pollSchema = z
  .object({
    enabled: z.boolean().default(false),
    name: z.string().min(1).max(40).default('fhir-poll'),
    /** The HIS's FHIR R4 base, e.g. http://10.1.2.20:8080/fhir */
    baseUrl: z.url({ protocol: /^https?$/ }).optional(),
    bearerToken: z.string().min(1).optional(),
    intervalMs: z.number().int().min(10).max(3_600_000).default(30_000),
    pageSize: z.number().int().min(1).max(1000).default(50),
    /**
     * Where the first poll starts (FHIR instant, e.g. 2026-11-01T00:00:00+08:00) when no mark is stored yet. Absent:
     * the moment the channel first starts, so years of history are not dispensed again.
     */
    since: z.iso.datetime({ offset: true }).optional(),
    /** One request to the FHIR server. */
    timeoutMs: z.number().int().min(100).max(300_000).default(15_000),
    /** Failures back off from intervalMs, doubling, up to this. */
    maxBackoffMs: z.number().int().min(10).max(3_600_000).default(300_000),
  })
  .strict()
  .refine((p) => !p.enabled || p.baseUrl !== undefined, {
    message: 'fhir.poll.baseUrl is required when fhir.poll.enabled is true',
    path: ['baseUrl'],
  });

export const fhirConfigSchema = z
  .object({
    post: postSchema.prefault({}),
    poll: pollSchema.prefault({}),
    ...fhirCodesSchema.shape,
  })
  .strict();

export type FhirConfig = z.infer<typeof fhirConfigSchema>;
export type FhirCodes = z.infer<typeof fhirCodesSchema>;
export type FhirPostConfig = FhirConfig['post'];
export type FhirPollConfig = FhirConfig['poll'];

/** The defaults alone (tests, and sites that keep tracegate's URIs). */
export function defaultFhirCodes(): FhirCodes {
  return fhirCodesSchema.parse({});
}
