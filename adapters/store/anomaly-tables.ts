/** Tables of 0006-anomalies and the column lists their writers bind in order (see tables.ts for the others). */
import type { ColumnSpec } from './tables.js';

export const ANOMALY_TABLES = {
  runs: 'tg_anomaly_runs',
  anomalies: 'tg_anomalies',
  notices: 'tg_dup_notices',
} as const;

const text = (name: string): ColumnSpec => ({ name, kind: 'text' });

export const ANOMALY_COLUMNS: readonly ColumnSpec[] = [
  'id',
  'type',
  'subject_key',
  'risk',
  'his_drug_code',
  'trace_codes',
  'evidence',
  'summary',
  'occurred_at',
  'first_seen_at',
  'last_seen_at',
  'run_id',
  'status',
  'note',
  'status_by',
  'status_at',
].map(text);

export const RUN_COLUMNS: readonly ColumnSpec[] = [
  'id',
  'run_key',
  'trigger_kind',
  'actor',
  'started_at',
  'finished_at',
  'period_from',
  'period_to',
  'params',
  'counts',
  'state',
  'error',
].map(text);

/** The notice fields in the table's order, each with the DuplicateNotice property it holds. */
export const NOTICE_FIELDS = [
  ['trac_sn', 'traceSerialNo'],
  ['fixmedins_code', 'fixmedinsCode'],
  ['fixmedins_name', 'fixmedinsName'],
  ['medins_list_codg', 'medinsListCodg'],
  ['med_list_codg', 'medListCodg'],
  ['fixmedins_bchno', 'fixmedinsBchno'],
  ['sale_serial_no', 'saleSerialNo'],
  ['mdtrt_id', 'mdtrtId'],
  ['mdtrt_setl_type', 'mdtrtSetlType'],
  ['bkkp_sn', 'bkkpSn'],
  ['trdn_flag', 'trdnFlag'],
  ['psn_no', 'psnNo'],
  ['psn_name', 'psnName'],
  ['sale_time', 'saleTime'],
  ['region', 'region'],
] as const;

export const NOTICE_COLUMNS: readonly ColumnSpec[] = [
  'id',
  'notice_key',
  'kind',
  'trace_code',
  ...NOTICE_FIELDS.map(([column]) => column),
  'imported_at',
  'imported_by',
  'source',
  'extra',
].map(text);
