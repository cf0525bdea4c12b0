/**
 * The prescription lines of an RDS^O13 (one RXD each) or RDE^O11 (one RXE each), with the trace codes of each line
 * read from its segment group: the line segment and the segments after it up to the next line or ORC (where a
 * site puts its ZTC, NTE…). Quantities keep their sign here; the caller decides dispense or return.
 */
import type { CodesLocation } from './hl7-config.js';
import { fieldInvalid, fieldMissing, segmentMissing, type FieldPlace } from './hl7-errors.js';
import type { Hl7FieldPath } from './hl7-field-path.js';
import type { Hl7Message, Hl7Segment } from './hl7-message.js';
import { repetitionsOf, valueOf } from './hl7-message.js';
import { providerId } from './hl7-names.js';

export const LineSegments = ['RXD', 'RXE'] as const;
export type LineSegment = (typeof LineSegments)[number];

/** Where each line value sits: RXD (v2.5 dispense) or RXE (encoded order, which has no line number field). */
interface LineFields {
  lineNo: number | null;
  drug: number;
  quantity: number;
  unit: number;
  /** RXD-10 dispensing provider; RXE-14 the pharmacist who verified the order. */
  actor: number;
}

const LINE_FIELDS: Record<LineSegment, LineFields> = {
  RXD: { lineNo: 1, drug: 2, quantity: 4, unit: 5, actor: 10 },
  RXE: { lineNo: null, drug: 2, quantity: 10, unit: 11, actor: 14 },
};

export interface HisLine {
  lineNo: number;
  hisDrugCode: string;
  /** Signed: a negative quantity can mean a return. */
  quantity: number;
  quantityPath: Hl7FieldPath;
  /** Which RXD/RXE of the message (1 = the first), for ERR-2. */
  occurrence: number;
  /** '' when absent (a return does not need it). */
  unit: string;
  unitPath: Hl7FieldPath;
  codes: string[];
  actor: string | null;
}

const NUMBER = /^[+-]?\d+(?:\.\d+)?$/;
const LINE_NO = /^\d{1,6}$/;

/** Throws a TracegateError (invalid) naming the first missing or unreadable field. */
export function readOrderLines(message: Hl7Message, lineSegment: LineSegment, codes: CodesLocation): HisLine[] {
  const groups = lineGroups(message.segments, lineSegment);
  if (groups.length === 0) {
    throw segmentMissing(lineSegment, '处方明细');
  }
  const lines: HisLine[] = [];
  groups.forEach((group, index) => {
    const line = readLine(group, lineSegment, index + 1, codes);
    if (lines.some((l) => l.lineNo === line.lineNo)) {
      throw fieldInvalid(path(lineSegment, 1), String(line.lineNo), '与前面的处方行重复', { occurrence: index + 1 });
    }
    lines.push(line);
  });
  return lines;
}

/** Each line segment with the segments after it, up to the next line segment or ORC. */
function lineGroups(segments: readonly Hl7Segment[], lineSegment: LineSegment): Hl7Segment[][] {
  const groups: Hl7Segment[][] = [];
  let current: Hl7Segment[] | null = null;
  for (const segment of segments) {
    if (segment.name === lineSegment) {
      current = [segment];
      groups.push(current);
    } else if (segment.name === 'ORC' || segment.name === 'MSH') {
      current = null;
    } else {
      current?.push(segment);
    }
  }
  return groups;
}

function readLine(group: Hl7Segment[], lineSegment: LineSegment, position: number, codes: CodesLocation): HisLine {
  const segment = group[0] as Hl7Segment;
  const fields = LINE_FIELDS[lineSegment];
  const lineNo = lineNumber(segment, lineSegment, fields.lineNo, position);
  const at = { line: lineNo, occurrence: segment.occurrence };
  const hisDrugCode = valueOf(segment, fields.drug, 1);
  if (hisDrugCode === '') {
    throw fieldMissing(path(lineSegment, fields.drug), at);
  }
  return {
    lineNo,
    hisDrugCode,
    quantity: quantityOf(segment, path(lineSegment, fields.quantity), at),
    quantityPath: path(lineSegment, fields.quantity),
    occurrence: segment.occurrence,
    unit: valueOf(segment, fields.unit, 1),
    unitPath: path(lineSegment, fields.unit),
    codes: codesOf(group, codes, lineNo),
    actor: providerId(segment, fields.actor) || null,
  };
}

/** RXD-1 when the HIS fills it, else the line's position in the message. */
function lineNumber(segment: Hl7Segment, lineSegment: LineSegment, field: number | null, position: number): number {
  const text = field === null ? '' : valueOf(segment, field, 1);
  if (text === '') {
    return position;
  }
  if (!LINE_NO.test(text) || Number(text) < 1) {
    const at = { line: position, occurrence: segment.occurrence };
    throw fieldInvalid(path(lineSegment, field as number), text, '不是正整数的行号', at);
  }
  return Number(text);
}

function quantityOf(segment: Hl7Segment, field: Hl7FieldPath, at: FieldPlace): number {
  const text = valueOf(segment, field.field, 1);
  if (text === '') {
    throw fieldMissing(field, at);
  }
  const quantity = NUMBER.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(quantity) || quantity === 0) {
    throw fieldInvalid(field, text, '不是非零的数量', at);
  }
  return quantity;
}

/** The codes of every segment of the configured name in the group (a ZTC naming another line is an HIS error). */
function codesOf(group: Hl7Segment[], location: CodesLocation, lineNo: number): string[] {
  const { path: codes, lineField } = location;
  const holders = group.filter((s) => s.name === codes.segment);
  return holders.flatMap((segment) => {
    if (lineField !== null && segment !== group[0]) {
      const named = valueOf(segment, lineField, 1);
      if (named !== '' && Number(named) !== lineNo) {
        const at = { line: lineNo, occurrence: segment.occurrence };
        throw fieldInvalid(path(codes.segment, lineField), named, `与其前面处方行的行号 ${lineNo} 不一致`, at);
      }
    }
    return repetitionsOf(segment, codes.field, codes.component ?? 1);
  });
}

function path(segment: string, field: number): Hl7FieldPath {
  return { segment, field, component: null };
}
