import { expect } from 'chai';
import type { ReadResult } from '../../../core/channels/inbound-channel.js';
import type { HisDispenseEvent, HisReturnEvent } from '../../../core/channels/his-event.js';
import { defaultFhirCodes, DEFAULT_FHIR_EXTENSIONS, DEFAULT_FHIR_SYSTEMS } from '../../../adapters/fhir/fhir-config.js';
import { readFhirDispense } from '../../../adapters/fhir/fhir-inbound-channel.js';
import type { DocumentForms } from '../../../adapters/fhir/dispense-document.js';
import { bundleForm, bytesOf, dispenseResource, medication, type Resource } from './fhir-fixtures.js';

const codes = defaultFhirCodes();
const CODES = ['81010010000000000001', '81010010000000000002'];

function read(value: unknown, forms: DocumentForms = 'resource-or-bundle'): ReadResult {
  const raw =
    value instanceof Uint8Array ? value : typeof value === 'string' ? new TextEncoder().encode(value) : bytesOf(value);
  return readFhirDispense(raw, codes, forms);
}

function event<T>(value: unknown): T {
  const result = read(value);
  if (!result.ok) {
    throw new Error(`expected an event, got ${result.error.code}: ${result.error.message}`);
  }
  return result.event as T;
}

function problem(value: unknown, forms?: DocumentForms): { code: string; path: unknown; message: string } {
  const result = read(value, forms);
  if (result.ok) {
    throw new Error('expected a read error');
  }
  expect(result.error.kind).to.equal('invalid');
  return { code: result.error.code, path: result.error.details?.path, message: result.error.message };
}

describe('FHIR channel: MedicationDispense → HIS event', () => {
  it('reads the contained form: one Medication per pack, the order from subject, context and prescription', () => {
    const e = event<HisDispenseEvent>(dispenseResource({ codes: CODES, prescriptionNo: 'RX9', visitNo: 'MZ9' }));
    expect(e.kind).to.equal('dispense');
    expect(e.codes).to.deep.equal(CODES);
    expect(e.actor).to.equal('药师 张敏');
    expect(e.location).to.equal('门诊西药房 3号窗口');
    expect(e.order).to.deep.equal({
      prescriptionNo: 'RX9',
      visitNo: 'MZ9',
      insuranceVisitId: null,
      patientId: 'P001',
      patientName: '王小明',
      settlementType: 'self_pay',
      settlementId: null,
      doctorName: null,
      lines: [{ lineNo: 1, hisDrugCode: 'Y0001', quantity: 2, unit: '盒' }],
    });
  });

  it('reads the Bundle form (packs as entries) as the same event, by urn:uuid or Medication/{id}', () => {
    const contained = dispenseResource({ codes: CODES });
    expect(event(bundleForm(contained))).to.deep.equal(event(contained));

    const byId = bundleForm(contained);
    byId.entry[0].resource.extension = [
      { url: DEFAULT_FHIR_EXTENSIONS.pack, valueReference: { reference: 'Medication/m1' } },
      { url: DEFAULT_FHIR_EXTENSIONS.pack, valueReference: { reference: 'Medication/m2' } },
    ];
    byId.entry.splice(
      1,
      2,
      ...[medication('m1', CODES[0] as string), medication('m2', CODES[1] as string)].map((m) => ({
        fullUrl: `http://his.local/fhir/Medication/${String(m.id)}`,
        resource: m,
      }))
    );
    expect(event<HisDispenseEvent>(byId).codes).to.deep.equal(CODES);
  });

  it('takes a single pack from medicationReference, the drug from its code', () => {
    const d = dispenseResource({ codes: [] });
    delete d.medicationCodeableConcept;
    d.contained = [medication('p1', CODES[0] as string, 'Y0001')];
    d.medicationReference = { reference: '#p1' };
    d.quantity.value = 1;
    const e = event<HisDispenseEvent>(d);
    expect(e.codes).to.deep.equal([CODES[0]]);
    expect(e.order.lines[0]?.hisDrugCode).to.equal('Y0001');
  });

  it('reads the return marker as a return naming the original prescription; packs are the boxes brought back', () => {
    const e = event<HisReturnEvent>(dispenseResource({ kind: 'return', codes: [CODES[0] as string], visitNo: null }));
    expect(e.kind).to.equal('return');
    expect(e.codes).to.deep.equal([CODES[0]]);
    expect(e.order).to.deep.equal({
      dispenseId: null,
      prescriptionNo: 'RX1',
      visitNo: null,
      reason: '患者退药',
      lines: [{ lineNo: 1, hisDrugCode: 'Y0001', quantity: 1 }],
    });
  });

  it('a type without the return marker is a dispense', () => {
    const d = dispenseResource({ codes: CODES });
    d.type = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'FF' }] };
    expect(event<HisDispenseEvent>(d).kind).to.equal('dispense');
  });

  it('reads the insurance visit and the prescription line from their extensions', () => {
    const d = dispenseResource({ codes: CODES });
    d.extension.push(
      { url: DEFAULT_FHIR_EXTENSIONS.insuranceVisit, valueString: 'MDTRT-001' },
      { url: DEFAULT_FHIR_EXTENSIONS.prescriptionLine, valuePositiveInt: 3 }
    );
    const e = event<HisDispenseEvent>(d);
    expect(e.order).to.include({ settlementType: 'insured', insuranceVisitId: 'MDTRT-001' });
    expect(e.order.lines[0]?.lineNo).to.equal(3);
  });

  it('an exempt drug may come without packs (the window decides)', () => {
    const e = event<HisDispenseEvent>(dispenseResource({ codes: [], drug: 'Y0004', quantity: 10 }));
    expect(e.codes).to.deep.equal([]);
    expect(e.order.lines[0]).to.include({ hisDrugCode: 'Y0004', quantity: 10 });
  });

  describe('problems name their code and path', () => {
    const cases: { name: string; change: (d: Resource) => unknown; code: string; path: string }[] = [
      {
        name: 'patient identifier missing',
        change: (d) => delete d.subject.identifier,
        code: 'FHIR_FIELD_MISSING',
        path: 'MedicationDispense.subject.identifier',
      },
      {
        name: 'patient name missing',
        change: (d) => delete d.subject.display,
        code: 'FHIR_FIELD_MISSING',
        path: 'MedicationDispense.subject.display',
      },
      {
        name: 'prescription missing',
        change: (d) => delete d.authorizingPrescription,
        code: 'FHIR_FIELD_MISSING',
        path: 'MedicationDispense.authorizingPrescription',
      },
      {
        name: 'prescription under another system',
        change: (d) => (d.authorizingPrescription[0].identifier.system = 'urn:other'),
        code: 'FHIR_FIELD_MISSING',
        path: 'MedicationDispense.authorizingPrescription',
      },
      {
        name: 'visit missing',
        change: (d) => delete d.context,
        code: 'FHIR_FIELD_MISSING',
        path: 'MedicationDispense.context',
      },
      {
        name: 'trace code missing on the second pack',
        change: (d) => (d.contained[1].identifier = [{ system: 'urn:gtin', value: '06901234567809' }]),
        code: 'FHIR_FIELD_MISSING',
        path: 'MedicationDispense.contained[1].identifier',
      },
      {
        name: 'blank trace code',
        change: (d) => (d.contained[0].identifier[0].value = '  '),
        code: 'FHIR_FIELD_MISSING',
        path: 'MedicationDispense.contained[0].identifier[0].value',
      },
      {
        name: 'drug code missing',
        change: (d) => (d.medicationCodeableConcept.coding[0].system = 'urn:other'),
        code: 'FHIR_FIELD_MISSING',
        path: 'MedicationDispense.medicationCodeableConcept.coding',
      },
      {
        name: 'a pack of another drug',
        change: (d) =>
          (d.contained[1].code = { coding: [{ system: DEFAULT_FHIR_SYSTEMS.hisDrugCode, code: 'Y0002' }] }),
        code: 'FHIR_FIELD_INVALID',
        path: 'MedicationDispense.contained[1].code',
      },
      {
        name: 'quantity missing',
        change: (d) => delete d.quantity,
        code: 'FHIR_FIELD_MISSING',
        path: 'MedicationDispense.quantity',
      },
      {
        name: 'quantity zero',
        change: (d) => (d.quantity.value = 0),
        code: 'FHIR_FIELD_INVALID',
        path: 'MedicationDispense.quantity.value',
      },
      {
        name: 'expiry not a date',
        change: (d) => (d.contained[0].batch.expirationDate = '31/01/2028'),
        code: 'FHIR_FIELD_INVALID',
        path: 'MedicationDispense.contained[0].batch.expirationDate',
      },
      {
        name: 'a pack reference to nothing',
        change: (d) => (d.extension[1].valueReference.reference = '#p9'),
        code: 'FHIR_REFERENCE_UNRESOLVED',
        path: 'MedicationDispense.extension[1].valueReference.reference',
      },
      {
        name: 'a pack extension without a reference',
        change: (d) => delete d.extension[0].valueReference,
        code: 'FHIR_FIELD_MISSING',
        path: 'MedicationDispense.extension[0].valueReference',
      },
      {
        name: 'not handed over yet',
        change: (d) => (d.status = 'in-progress'),
        code: 'FHIR_STATUS_NOT_COMPLETED',
        path: 'MedicationDispense.status',
      },
      {
        name: 'both medication[x]',
        change: (d) => (d.medicationReference = { reference: '#p1' }),
        code: 'FHIR_FIELD_INVALID',
        path: 'MedicationDispense',
      },
      {
        name: 'a prescription number too long for the store',
        change: (d) => (d.authorizingPrescription[0].identifier.value = 'R'.repeat(65)),
        code: 'FHIR_FIELD_INVALID',
        path: 'MedicationDispense.authorizingPrescription[0].identifier',
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const d = dispenseResource({ codes: CODES });
        c.change(d);
        const p = problem(d);
        expect(p).to.include({ code: c.code, path: c.path });
        expect(p.message).to.match(/[\u4e00-\u9fa5]/);
      });
    }

    it('the path is inside the Bundle in the Bundle form', () => {
      const b = bundleForm(dispenseResource({ codes: CODES }));
      delete b.entry[2].resource.identifier;
      expect(problem(b)).to.include({ code: 'FHIR_FIELD_MISSING', path: 'Bundle.entry[2].resource.identifier' });
    });

    it('a return naming neither prescription nor visit', () => {
      const d = dispenseResource({ kind: 'return', codes: CODES, prescriptionNo: null, visitNo: null });
      expect(problem(d)).to.include({ code: 'FHIR_FIELD_MISSING', path: 'MedicationDispense.authorizingPrescription' });
    });

    it('a return of part of a box', () => {
      const d = dispenseResource({ kind: 'return', codes: CODES, quantity: 1.5 });
      expect(problem(d)).to.include({ code: 'FHIR_FIELD_INVALID', path: 'MedicationDispense.quantity.value' });
    });

    it('malformed JSON, another encoding, an empty body', () => {
      expect(problem('{"resourceType": "MedicationDispense",')).to.include({ code: 'FHIR_JSON_INVALID' });
      expect(problem(new Uint8Array([0x7b, 0xc4, 0xe3, 0x7d]))).to.include({
        code: 'FHIR_JSON_INVALID',
      });
      expect(problem('')).to.include({ code: 'FHIR_JSON_INVALID' });
    });

    it('a resource of another type, or a Bundle where only the resource is taken', () => {
      expect(problem({ resourceType: 'Patient', id: 'x' })).to.include({
        code: 'FHIR_RESOURCE_INVALID',
        path: 'resourceType',
      });
      expect(problem([1, 2])).to.include({ code: 'FHIR_RESOURCE_INVALID' });
      expect(problem(bundleForm(dispenseResource({ codes: CODES })), 'resource')).to.include({
        code: 'FHIR_RESOURCE_INVALID',
      });
      expect(problem({ resourceType: 'Bundle', type: 'collection', entry: [] })).to.include({
        code: 'FHIR_RESOURCE_INVALID',
        path: 'Bundle.entry',
      });
    });
  });
});
