/**
 * One R4 MedicationDispense (one drug line, its packs) as the HIS event the window decides. A dispense names the
 * prescription (authorizingPrescription identifier), the visit (context identifier) and the patient (subject
 * identifier and display); a return is a completed MedicationDispense typed with the return marker, naming the
 * original prescription (or visit), its packs being the boxes brought back.
 */
import type { HisEvent } from '../../core/channels/his-event.js';
import type { DispenseOrder, ReturnOrder } from '../../core/window/session.js';
import type { DispenseDocument } from './dispense-document.js';
import { dispensedDrug } from './dispense-packs.js';
import type { FhirCodes } from './fhir-config.js';
import {
  bounded,
  child,
  children,
  optionalChild,
  optionalPositive,
  optionalText,
  text,
  type Node,
} from './fhir-json.js';
import { fieldInvalid, fieldMissing, statusNotCompleted } from './fhir-problems.js';

/** HIS numbers are kept in 64-character columns (sessions, inbound references). */
const HIS_NUMBER_MAX = 64;
/** Quantities in boxes unless the HIS says the drug's smallest unit (片…). */
const PACK_UNIT = '盒';

export function hisEventOf(doc: DispenseDocument, codes: FhirCodes): HisEvent {
  const d = doc.dispense;
  const status = text(d, 'status', '状态（status）');
  if (status !== 'completed') {
    throw statusNotCompleted(`${d.path}.status`, status);
  }
  const { hisDrugCode, packs } = dispensedDrug(doc, codes);
  const common = {
    codes: packs.map((p) => p.traceCode),
    actor: performerOf(d),
    location: displayOf(optionalChild(d, 'location', '发药地点（location）')),
  };
  const quantity = child(d, 'quantity', '数量（quantity）');
  const amount = optionalPositive(quantity, 'value', '数量（quantity.value）');
  if (amount === null) {
    throw fieldMissing(`${quantity.path}.value`, '数量（quantity.value）');
  }
  const lineNo = lineNoOf(d, codes);
  if (isReturn(d, codes)) {
    return { kind: 'return', order: returnOrderOf(d, codes, { lineNo, hisDrugCode, quantity: amount }), ...common };
  }
  const unit = optionalText(quantity, 'unit', '数量单位（quantity.unit）') ?? PACK_UNIT;
  const line = { lineNo, hisDrugCode, quantity: amount, unit };
  return { kind: 'dispense', order: dispenseOrderOf(d, codes, line), ...common };
}

function isReturn(d: Node, codes: FhirCodes): boolean {
  const type = optionalChild(d, 'type', '发药类型（type）');
  const { system, code } = codes.returnMarker;
  return (
    type !== null &&
    children(type, 'coding', '类型编码（type.coding）').some((c) => c.value.system === system && c.value.code === code)
  );
}

function dispenseOrderOf(d: Node, codes: FhirCodes, line: DispenseOrder['lines'][number]): DispenseOrder {
  const prescriptionNo = prescriptionOf(d, codes);
  if (prescriptionNo === null) {
    throw fieldMissing(
      `${d.path}.authorizingPrescription`,
      `处方号（authorizingPrescription.identifier，system = ${codes.systems.prescription}）`
    );
  }
  const subject = child(d, 'subject', '患者（subject）');
  const patient = child(subject, 'identifier', '患者标识（subject.identifier）');
  const visitNo = visitOf(d);
  if (visitNo === null) {
    throw fieldMissing(`${d.path}.context`, '就诊号（context.identifier.value）');
  }
  const insuranceVisitId = insuranceVisitOf(d, codes);
  return {
    prescriptionNo,
    visitNo,
    insuranceVisitId,
    patientId: bounded(
      text(patient, 'value', '患者标识（identifier.value）'),
      HIS_NUMBER_MAX,
      patient.path,
      '患者标识'
    ),
    patientName: text(subject, 'display', '患者姓名（subject.display）'),
    settlementType: insuranceVisitId === null ? 'self_pay' : 'insured',
    settlementId: null,
    doctorName: null,
    lines: [line],
  };
}

function returnOrderOf(d: Node, codes: FhirCodes, line: ReturnOrder['lines'][number]): ReturnOrder {
  const prescriptionNo = prescriptionOf(d, codes);
  const visitNo = visitOf(d);
  if (prescriptionNo === null && visitNo === null) {
    throw fieldMissing(
      `${d.path}.authorizingPrescription`,
      `原处方号（authorizingPrescription.identifier，system = ${codes.systems.prescription}）或就诊号（context.identifier）`
    );
  }
  if (!Number.isInteger(line.quantity)) {
    throw fieldInvalid(`${d.path}.quantity.value`, '退药数量', `退药按整盒退，${line.quantity} 不是整数`);
  }
  const notes = children(d, 'note', '备注（note）')
    .map((n) => optionalText(n, 'text', '备注（note.text）'))
    .filter((t): t is string => t !== null);
  return {
    dispenseId: null,
    prescriptionNo,
    visitNo,
    reason: notes.length > 0 ? notes.join('；') : null,
    lines: [line],
  };
}

/** The authorizingPrescription whose identifier has the prescription system. */
function prescriptionOf(d: Node, codes: FhirCodes): string | null {
  for (const ref of children(d, 'authorizingPrescription', '处方（authorizingPrescription）')) {
    const identifier = optionalChild(ref, 'identifier', '处方标识（identifier）');
    if (identifier?.value.system === codes.systems.prescription) {
      return bounded(
        text(identifier, 'value', '处方号（identifier.value）'),
        HIS_NUMBER_MAX,
        identifier.path,
        '处方号'
      );
    }
  }
  return null;
}

function visitOf(d: Node): string | null {
  const context = optionalChild(d, 'context', '就诊（context）');
  const identifier = context && optionalChild(context, 'identifier', '就诊标识（context.identifier）');
  const value = identifier && optionalText(identifier, 'value', '就诊号（identifier.value）');
  return value && identifier ? bounded(value, HIS_NUMBER_MAX, identifier.path, '就诊号') : null;
}

function insuranceVisitOf(d: Node, codes: FhirCodes): string | null {
  const ext = extensionOf(d, codes.extensions.insuranceVisit);
  return ext ? text(ext, 'valueString', '医保就诊 ID（valueString）') : null;
}

/** The prescription's line number (a HIS sending one MedicationDispense per line says which); 1 when absent. */
function lineNoOf(d: Node, codes: FhirCodes): number {
  const ext = extensionOf(d, codes.extensions.prescriptionLine);
  if (!ext) {
    return 1;
  }
  const v = ext.value.valuePositiveInt ?? ext.value.valueInteger;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw fieldInvalid(`${ext.path}.valuePositiveInt`, '处方行号', `应为正整数（收到 ${JSON.stringify(v)}）`);
  }
  return v;
}

function extensionOf(d: Node, url: string): Node | undefined {
  return children(d, 'extension', '扩展（extension）').find((e) => e.value.url === url);
}

function performerOf(d: Node): string | null {
  for (const p of children(d, 'performer', '发药人（performer）')) {
    const name = displayOf(optionalChild(p, 'actor', '发药人（performer.actor）'));
    if (name !== null) {
      return name;
    }
  }
  return null;
}

function displayOf(reference: Node | null): string | null {
  return reference ? optionalText(reference, 'display', '名称（display）') : null;
}
