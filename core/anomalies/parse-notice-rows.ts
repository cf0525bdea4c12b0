/**
 * Rows of a duplicate-notice file (or JSON objects, read the same way) → notice drafts plus every row problem.
 * Never throws on bad data: a row with a problem yields no notice.
 */
import {
  LOST_PRECISION_HINT,
  ProblemList,
  columnHeadersHint,
  looksLikeLostPrecision,
  resolveColumns,
  type TabularRow,
} from '../catalog/tabular.js';
import type { RowProblem } from '../errors.js';
import { noticeKindOf, NoticeKinds, noticeKindName, type NoticeDraft } from './duplicate-notice.js';
import { noticeColumns, type NoticeColumnKey } from './notice-columns.js';

export interface ParseNoticeResult {
  drafts: NoticeDraft[];
  problems: RowProblem[];
  truncated: boolean;
}

/** The interface's longest code field (drug_trac_codg is 100 characters at the platform). */
const MAX_CODE = 100;
/** Every other field: the platform's fields are ≤ 50 characters; names and regions a little longer. */
const MAX_FIELD = 200;

export function parseNoticeRows(rows: readonly TabularRow[], headers: readonly string[]): ParseNoticeResult {
  const problems = new ProblemList();
  const { columns, ignored } = resolveColumns(headers, noticeColumns);
  if (!columns.drug_trac_codg) {
    const def = noticeColumns.find((c) => c.key === 'drug_trac_codg')!;
    problems.add(1, 'drug_trac_codg', `缺少「${columnHeadersHint(def)}」列`);
    return { drafts: [], problems: problems.problems, truncated: false };
  }
  const drafts: NoticeDraft[] = [];
  for (const row of rows) {
    const draft = readRow(row, columns, ignored, problems);
    if (draft) {
      drafts.push(draft);
    }
  }
  return { drafts, problems: problems.problems, truncated: problems.truncated };
}

function readRow(
  row: TabularRow,
  columns: Partial<Record<NoticeColumnKey, string>>,
  ignored: readonly string[],
  problems: ProblemList
): NoticeDraft | null {
  const before = problems.count;
  const cell = (key: NoticeColumnKey): string | null => {
    const header = columns[key];
    const value = header === undefined ? '' : (row.values[header] ?? '').trim();
    if (value === '') {
      return null;
    }
    if (value.length > (key === 'drug_trac_codg' ? MAX_CODE : MAX_FIELD)) {
      problems.add(
        row.rowNumber,
        key,
        `「${value.slice(0, 30)}…」超过 ${key === 'drug_trac_codg' ? MAX_CODE : MAX_FIELD} 个字符`
      );
      return null;
    }
    return value;
  };
  const traceCode = cell('drug_trac_codg');
  if (traceCode === null) {
    problems.add(row.rowNumber, 'drug_trac_codg', '药品追溯码为空');
  } else if (looksLikeLostPrecision(traceCode)) {
    problems.add(row.rowNumber, 'drug_trac_codg', `追溯码「${traceCode}」${LOST_PRECISION_HINT}`);
  }
  const kindText = cell('kind');
  const kind = kindText === null ? null : (noticeKindOf(kindText) ?? null);
  if (kindText !== null && kind === null) {
    const words = NoticeKinds.map((k) => noticeKindName[k]).join('、');
    problems.add(row.rowNumber, 'kind', `重复类型「${kindText}」不认识，可写 ${words}，或留空`);
  }
  if (problems.count > before || traceCode === null) {
    return null;
  }
  const extra: Record<string, string> = {};
  for (const header of ignored) {
    const value = (row.values[header] ?? '').trim();
    if (value !== '') {
      extra[header] = value.slice(0, MAX_FIELD);
    }
  }
  return {
    kind,
    traceCode,
    traceSerialNo: cell('trac_sn'),
    fixmedinsCode: cell('fixmedins_code'),
    fixmedinsName: cell('fixmedins_name'),
    medinsListCodg: cell('medins_list_codg'),
    medListCodg: cell('med_list_codg'),
    fixmedinsBchno: cell('fixmedins_bchno'),
    saleSerialNo: cell('medins_prod_sel_no'),
    mdtrtId: cell('mdtrt_id'),
    mdtrtSetlType: cell('mdtrt_setl_type'),
    bkkpSn: cell('bkkp_sn'),
    trdnFlag: cell('trdn_flag'),
    psnNo: cell('psn_no'),
    psnName: cell('psn_name'),
    saleTime: cell('sel_time'),
    region: cell('admdvs'),
    extra,
  };
}

/**
 * JSON notices (objects keyed by field name or Chinese header) as the rows a file would give. Each object names its
 * fields its own way, so each is resolved on its own and the rows are keyed by the canonical field names.
 */
export function objectsAsRows(objects: readonly Record<string, unknown>[]): { headers: string[]; rows: TabularRow[] } {
  const headers = new Set<string>();
  const rows = objects.map((o, i) => {
    const keys = Object.keys(o).filter((k) => k !== '__proto__');
    const { columns, ignored } = resolveColumns(keys, noticeColumns);
    const values: Record<string, string> = {};
    for (const [canonical, header] of Object.entries(columns) as [string, string][]) {
      values[canonical] = textOf(o[header]);
    }
    for (const header of ignored.filter((h) => !Object.values(columns).includes(h))) {
      values[header] = textOf(o[header]);
    }
    Object.keys(values).forEach((h) => headers.add(h));
    return { rowNumber: i + 1, values };
  });
  for (const row of rows) {
    for (const h of headers) {
      row.values[h] ??= '';
    }
  }
  return { headers: [...headers], rows };
}

function textOf(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  return typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : '';
}
