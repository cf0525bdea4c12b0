/**
 * MedicationDispense resources as a HIS would send them (tracegate's documented shape, default URIs): one contained
 * Medication per pack, referenced from the pack extensions; returns typed with the return marker.
 */
import {
  DEFAULT_FHIR_EXTENSIONS,
  DEFAULT_FHIR_SYSTEMS,
  DEFAULT_RETURN_MARKER,
} from '../../../adapters/fhir/fhir-config.js';

export type Resource = Record<string, any>;

export interface DispenseSpec {
  /** The business identifier (identifier[0].value); none when null. */
  identifier?: string | null;
  prescriptionNo?: string | null;
  visitNo?: string | null;
  codes: string[];
  /** Boxes; defaults to the number of codes. */
  quantity?: number;
  drug?: string;
  status?: string;
  kind?: 'dispense' | 'return';
  id?: string;
}

export function medication(id: string, code: string, drug: string | null = 'Y0001'): Resource {
  return {
    resourceType: 'Medication',
    id,
    ...(drug ? { code: { coding: [{ system: DEFAULT_FHIR_SYSTEMS.hisDrugCode, code: drug }] } } : {}),
    identifier: [{ system: DEFAULT_FHIR_SYSTEMS.traceCode, value: code }],
    batch: { lotNumber: 'L1', expirationDate: '2028-01-31' },
  };
}

export function dispenseResource(spec: DispenseSpec): Resource {
  const kind = spec.kind ?? 'dispense';
  const packs = spec.codes.map((code, i) => medication(`p${i + 1}`, code, null));
  const prescriptionNo = spec.prescriptionNo === undefined ? 'RX1' : spec.prescriptionNo;
  const visitNo = spec.visitNo === undefined ? 'MZ-RX1' : spec.visitNo;
  return {
    resourceType: 'MedicationDispense',
    ...(spec.id ? { id: spec.id } : {}),
    ...(spec.identifier === null
      ? {}
      : { identifier: [{ system: 'urn:his:dispense-no', value: spec.identifier ?? `FY-${prescriptionNo}` }] }),
    contained: packs,
    extension: packs.map((p) => ({ url: DEFAULT_FHIR_EXTENSIONS.pack, valueReference: { reference: `#${p.id}` } })),
    status: spec.status ?? 'completed',
    ...(kind === 'return'
      ? {
          type: { coding: [{ system: DEFAULT_RETURN_MARKER.system, code: 'RETURN', display: '退药' }] },
          note: [{ text: '患者退药' }],
        }
      : {}),
    medicationCodeableConcept: {
      coding: [{ system: DEFAULT_FHIR_SYSTEMS.hisDrugCode, code: spec.drug ?? 'Y0001', display: '阿托伐他汀钙片' }],
    },
    subject: { identifier: { system: 'urn:his:patient-id', value: 'P001' }, display: '王小明' },
    ...(visitNo ? { context: { identifier: { value: visitNo } } } : {}),
    performer: [{ actor: { display: '药师 张敏' } }],
    location: { display: '门诊西药房 3号窗口' },
    ...(prescriptionNo
      ? {
          authorizingPrescription: [
            { identifier: { system: DEFAULT_FHIR_SYSTEMS.prescription, value: prescriptionNo } },
          ],
        }
      : {}),
    quantity: { value: spec.quantity ?? spec.codes.length, unit: '盒' },
    whenHandedOver: '2026-11-22T16:05:00+08:00',
  };
}

/** The same dispense with its packs as Bundle entries (`urn:uuid:` fullUrls) instead of contained. */
export function bundleForm(dispense: Resource): Resource {
  const { contained, extension, ...rest } = dispense;
  const uuid = (id: string) => `urn:uuid:00000000-0000-4000-8000-${id.replace(/\D/g, '').padStart(12, '0')}`;
  return {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      {
        fullUrl: 'urn:uuid:00000000-0000-4000-8000-999999999999',
        resource: {
          ...rest,
          extension: (extension as Resource[]).map((e) => ({
            ...e,
            valueReference: { reference: uuid(String(e.valueReference.reference)) },
          })),
        },
      },
      ...(contained as Resource[]).map((m) => ({ fullUrl: uuid(String(m.id)), resource: m })),
    ],
  };
}

export const bytesOf = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
