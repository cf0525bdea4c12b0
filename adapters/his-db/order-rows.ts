/**
 * Rows of one prescription or one return (a line per row, the header repeated on every line) → the orders the
 * window decides. Shared by the event query and the prescription query, so both read the columns alike.
 */
import type { DispenseOrder, OrderLine, ReturnOrder, SettlementType } from '../../core/window/session.js';
import {
  columnMissing,
  headerText,
  positiveInteger,
  positiveNumber,
  requiredHeader,
  requiredText,
  valueInvalid,
  type RowSource,
} from './row-fields.js';
import type { HisRow } from './row-values.js';

export function dispenseOrderOf(src: RowSource, rows: readonly HisRow[]): DispenseOrder {
  const insuranceVisitId = headerText(src, rows, 'insurance_visit_id');
  return {
    prescriptionNo: requiredHeader(src, rows, 'prescription_no'),
    visitNo: requiredHeader(src, rows, 'visit_no'),
    insuranceVisitId,
    patientId: requiredHeader(src, rows, 'patient_id'),
    patientName: requiredHeader(src, rows, 'patient_name'),
    settlementType: settlementTypeOf(src, rows, insuranceVisitId),
    settlementId: headerText(src, rows, 'settlement_id'),
    doctorName: headerText(src, rows, 'doctor_name'),
    lines: linesOf(src, rows, (i) => ({ ...lineOf(src, rows, i), unit: requiredText(src, rows, i, 'unit') })),
    ...agentOf(src, rows),
  };
}

/** 代办人, when the HIS's SQL gives agent_name and/or agent_phone (optional columns). */
function agentOf(src: RowSource, rows: readonly HisRow[]): Pick<DispenseOrder, 'agent'> {
  const name = headerText(src, rows, 'agent_name');
  const phone = headerText(src, rows, 'agent_phone');
  return name === null && phone === null ? {} : { agent: { name, phone } };
}

export function returnOrderOf(src: RowSource, rows: readonly HisRow[]): ReturnOrder {
  const prescriptionNo = headerText(src, rows, 'original_prescription_no') ?? headerText(src, rows, 'prescription_no');
  const visitNo = headerText(src, rows, 'visit_no');
  if (prescriptionNo === null && visitNo === null) {
    // The window needs the original sale: by prescription or by visit.
    throw columnMissing(src, rows, 0, 'original_prescription_no');
  }
  return {
    dispenseId: null,
    prescriptionNo,
    visitNo,
    reason: headerText(src, rows, 'reason'),
    lines: linesOf(src, rows, (i) => lineOf(src, rows, i)),
  };
}

function lineOf(src: RowSource, rows: readonly HisRow[], i: number): Omit<OrderLine, 'unit'> {
  return {
    lineNo: positiveInteger(src, rows, i, 'line_no'),
    hisDrugCode: requiredText(src, rows, i, 'his_drug_code'),
    quantity: positiveNumber(src, rows, i, 'quantity'),
  };
}

function linesOf<L extends { lineNo: number }>(
  src: RowSource,
  rows: readonly HisRow[],
  read: (index: number) => L
): L[] {
  const lines = rows.map((_row, i) => read(i));
  const seen = new Set<number>();
  lines.forEach((line, i) => {
    if (seen.has(line.lineNo)) {
      throw valueInvalid(src, i, 'line_no', line.lineNo, `各行不同的行号（第 ${line.lineNo} 行出现两次）`);
    }
    seen.add(line.lineNo);
  });
  return lines;
}

/** Given, or else insured exactly when the HIS gave an insurance visit id (mdtrt_id). */
function settlementTypeOf(src: RowSource, rows: readonly HisRow[], insuranceVisitId: string | null): SettlementType {
  const given = headerText(src, rows, 'settlement_type');
  if (given === null) {
    return insuranceVisitId === null ? 'self_pay' : 'insured';
  }
  switch (given.toLowerCase()) {
    case 'insured':
    case '医保':
      return 'insured';
    case 'self_pay':
    case '自费':
      return 'self_pay';
    default: {
      const index = rows.findIndex((r) => r.settlement_type !== null && r.settlement_type !== undefined);
      throw valueInvalid(src, Math.max(index, 0), 'settlement_type', given, ' insured/医保 或 self_pay/自费');
    }
  }
}
