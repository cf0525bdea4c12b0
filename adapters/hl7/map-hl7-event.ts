/**
 * An HL7 RDS^O13 (dispense) or RDE^O11 (encoded order carrying the codes) as the HisEvent the window decides. The
 * default mapping is written down in docs/hl7-channel.md; the configurable parts come from Hl7Mapping.
 */
import type { HisDispenseEvent, HisEvent, HisReturnEvent } from '../../core/channels/his-event.js';
import type { ReadResult } from '../../core/channels/inbound-channel.js';
import { invalid, isTracegateError } from '../../core/errors.js';
import type { Hl7Mapping } from './hl7-config.js';
import { fieldInvalid, fieldMissing, type FieldPlace } from './hl7-errors.js';
import type { Hl7FieldPath } from './hl7-field-path.js';
import { pathText } from './hl7-field-path.js';
import { headerOf, type Hl7Header } from './hl7-header.js';
import type { Hl7Message } from './hl7-message.js';
import { valueOf } from './hl7-message.js';
import { personName, providerName } from './hl7-names.js';
import { readOrderLines, type HisLine, type LineSegment } from './read-order-lines.js';

const MSH_9: Hl7FieldPath = { segment: 'MSH', field: 9, component: null };

/** Never throws for bad input: a missing or unreadable field is the answer (HL7_FIELD_MISSING…). */
export function mapHl7Event(message: Hl7Message, mapping: Hl7Mapping): ReadResult {
  try {
    return { ok: true, event: eventOf(message, mapping) };
  } catch (e) {
    if (isTracegateError(e)) {
      return { ok: false, error: e };
    }
    throw e;
  }
}

function eventOf(message: Hl7Message, mapping: Hl7Mapping): HisEvent {
  const header = headerOf(message);
  const lineSegment = lineSegmentOf(header, mapping);
  const lines = readOrderLines(message, lineSegment, mapping.codes);
  return isReturn(message, lines, mapping)
    ? returnEvent(message, lines, mapping)
    : dispenseEvent(message, lines, mapping);
}

/** Which messages this channel decides, and the segment each prescription line is in. */
function lineSegmentOf(header: Hl7Header | null, mapping: Hl7Mapping): LineSegment {
  if (!header || header.messageType === '') {
    throw fieldMissing(MSH_9);
  }
  const type = `${header.messageType}^${header.trigger}`;
  if (type === 'RDS^O13') {
    return 'RXD';
  }
  if (type === 'RDE^O11' && mapping.rdeO11 === 'dispense') {
    return 'RXE';
  }
  const refusedHere = type === 'RDE^O11' ? '本通道配置为不处理 RDE^O11 医嘱消息' : '';
  throw invalid(
    'HL7_MESSAGE_TYPE_UNSUPPORTED',
    `不支持的 HL7 消息类型 ${type}：${refusedHere || '本通道只接收 RDS^O13（发药）和 RDE^O11（医嘱）'}`,
    { messageType: type }
  );
}

/** ORC-1 says cancel-as-requested, or the quantities are negative; both signs in one message is an HIS error. */
function isReturn(message: Hl7Message, lines: HisLine[], mapping: Hl7Mapping): boolean {
  const negative = lines.filter((l) => l.quantity < 0).length;
  if (negative > 0 && negative < lines.length) {
    throw invalid('HL7_RETURN_MIXED', 'HL7 消息中既有正数量（发药）又有负数量（退药）的处方行，请分成两条消息发送', {
      lines: lines.map((l) => ({ lineNo: l.lineNo, quantity: l.quantity })),
    });
  }
  const control = message.value({ segment: 'ORC', field: 1, component: 1 }).toUpperCase();
  if (control !== '' && mapping.returns.orderControls.some((c) => c.toUpperCase() === control)) {
    return true;
  }
  if (negative > 0 && !mapping.returns.negativeQuantity) {
    const line = lines[0] as HisLine;
    const at = { line: line.lineNo, occurrence: line.occurrence };
    throw fieldInvalid(line.quantityPath, String(line.quantity), '为负数，而本通道未配置负数量表示退药', at);
  }
  return negative > 0;
}

function dispenseEvent(message: Hl7Message, lines: HisLine[], mapping: Hl7Mapping): HisDispenseEvent {
  const insuranceVisitId = optional(message, mapping.insuranceVisitId);
  return {
    kind: 'dispense',
    codes: lines.flatMap((l) => l.codes),
    actor: actorOf(lines),
    location: optional(message, mapping.location),
    order: {
      prescriptionNo: prescriptionNo(message, mapping) ?? missing(mapping.prescriptionNo[0] as Hl7FieldPath),
      visitNo: required(message, mapping.visitNo),
      insuranceVisitId,
      patientId: required(message, mapping.patientId),
      patientName: personName(message, mapping.patientName) || missing(mapping.patientName),
      settlementType: insuranceVisitId ? 'insured' : 'self_pay',
      settlementId: optional(message, mapping.settlementId),
      doctorName: doctorOf(message, mapping.doctor),
      lines: lines.map((l) => ({
        lineNo: l.lineNo,
        hisDrugCode: l.hisDrugCode,
        quantity: l.quantity,
        unit: l.unit || missing(l.unitPath, { line: l.lineNo, occurrence: l.occurrence }),
      })),
    },
  };
}

/** The original sale is named by its prescription (ORC-2/3); by the visit only when the HIS gives no number. */
function returnEvent(message: Hl7Message, lines: HisLine[], mapping: Hl7Mapping): HisReturnEvent {
  const prescription = prescriptionNo(message, mapping);
  const visitNo = prescription ? null : optional(message, mapping.visitNo);
  if (!prescription && !visitNo) {
    missing(mapping.prescriptionNo[0] as Hl7FieldPath);
  }
  return {
    kind: 'return',
    codes: lines.flatMap((l) => l.codes),
    actor: actorOf(lines),
    location: optional(message, mapping.location),
    order: {
      dispenseId: null,
      prescriptionNo: prescription,
      visitNo,
      reason: firstOf(message, mapping.returnReason),
      lines: lines.map((l) => ({ lineNo: l.lineNo, hisDrugCode: l.hisDrugCode, quantity: Math.abs(l.quantity) })),
    },
  };
}

/**
 * The first configured path that holds a number. Several ORC groups must name the same prescription: one message
 * is one prescription here, and mixing two would file one's boxes under the other.
 */
function prescriptionNo(message: Hl7Message, mapping: Hl7Mapping): string | null {
  for (const path of mapping.prescriptionNo) {
    const values = new Set(
      message
        .all(path.segment)
        .map((s) => valueOf(s, path.field, path.component ?? 1))
        .filter((v) => v !== '')
    );
    if (values.size > 1) {
      throw invalid(
        'HL7_PRESCRIPTIONS_DIFFER',
        `同一 HL7 消息含多个处方号（${[...values].join('、')}），请每张处方发一条消息`,
        {
          field: pathText(path),
          values: [...values],
        }
      );
    }
    const [value] = values;
    if (value !== undefined) {
      return value;
    }
  }
  return null;
}

function doctorOf(message: Hl7Message, path: Hl7FieldPath | null): string | null {
  if (path === null) {
    return null;
  }
  if (path.component !== null) {
    return optional(message, path);
  }
  const segment = message.first(path.segment);
  return (segment && providerName(segment, path.field)) || null;
}

function actorOf(lines: HisLine[]): string | null {
  return lines.find((l) => l.actor !== null)?.actor ?? null;
}

function firstOf(message: Hl7Message, paths: Hl7FieldPath[]): string | null {
  for (const path of paths) {
    const value = message.value(path);
    if (value !== '') {
      return value;
    }
  }
  return null;
}

function optional(message: Hl7Message, path: Hl7FieldPath | null): string | null {
  return path === null ? null : message.value(path) || null;
}

function required(message: Hl7Message, path: Hl7FieldPath): string {
  return message.value(path) || missing(path);
}

function missing(path: Hl7FieldPath, at: FieldPlace = {}): never {
  throw fieldMissing(path, at);
}
