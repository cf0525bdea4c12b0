/**
 * Table and column names as the migrations create them, and the column lists the bulk writers bind in order.
 * `kind` only matters on PostgreSQL, where bulk inserts bind one typed array per column.
 */
export const TABLES = {
  drugs: 'tg_drugs',
  prefixes: 'tg_drug_prefixes',
  gtins: 'tg_drug_gtins',
  drugVersions: 'tg_drug_versions',
  relations: 'tg_relations',
  packs: 'tg_packs',
  events: 'tg_pack_events',
  sessions: 'tg_sessions',
  businessRows: 'tg_business_rows',
  audit: 'tg_audit',
  uploadKeys: 'tg_upload_keys',
  uploadAttempts: 'tg_upload_attempts',
  proxyRequests: 'tg_proxy_requests',
  packHolds: 'tg_pack_holds',
  inboundMessages: 'tg_inbound_msgs',
  channelMarks: 'tg_channel_marks',
  bookStock: 'tg_book_stock',
} as const;

export interface ColumnSpec {
  name: string;
  kind: 'text' | 'int' | 'bigint';
}

const text = (name: string): ColumnSpec => ({ name, kind: 'text' });
const int = (name: string): ColumnSpec => ({ name, kind: 'int' });
const bigint = (name: string): ColumnSpec => ({ name, kind: 'bigint' });

export const PACK_COLUMNS: readonly ColumnSpec[] = [
  text('trace_code'),
  text('his_drug_code'),
  text('state'),
  int('units_remaining'),
  text('lot'),
  text('expiry'),
  text('manu_date'),
  int('seq'),
  text('updated_at'),
  text('location'),
  text('ref'),
];

export const EVENT_COLUMNS: readonly ColumnSpec[] = [
  text('trace_code'),
  int('seq'),
  text('action'),
  text('from_state'),
  text('to_state'),
  int('units'),
  text('occurred_at'),
  text('actor'),
  text('location'),
  text('ref'),
  text('reason'),
  text('details'),
];

export const RELATION_COLUMNS: readonly ColumnSpec[] = [
  text('child_code'),
  text('parent_code'),
  int('parent_level'),
  int('child_level'),
  text('parent_status'),
];

export const DRUG_COLUMNS: readonly ColumnSpec[] = [
  text('his_drug_code'),
  text('insurance_code'),
  text('name'),
  text('spec'),
  text('manufacturer'),
  int('rx_flag'),
  int('vbp_flag'),
  int('units_per_pack'),
  text('unit_name'),
  text('barcode69'),
  int('exempt'),
  text('exempt_reason'),
  int('version'),
  text('updated_at'),
  text('updated_by'),
];

export const PREFIX_COLUMNS: readonly ColumnSpec[] = [
  text('prefix'),
  text('his_drug_code'),
  int('pack_level'),
  int('unit_count'),
];

export const GTIN_COLUMNS: readonly ColumnSpec[] = [
  text('gtin'),
  text('his_drug_code'),
  int('pack_level'),
  int('unit_count'),
];

export const DRUG_VERSION_COLUMNS: readonly ColumnSpec[] = [
  text('his_drug_code'),
  int('version'),
  text('changed_at'),
  text('changed_by'),
  text('source'),
  text('snapshot'),
];

/** Everything but `doc` is a copy of a document field the store filters or sorts on. */
export const SESSION_COLUMNS: readonly ColumnSpec[] = [
  text('id'),
  text('kind'),
  text('state'),
  text('prescription_no'),
  text('visit_no'),
  text('location'),
  text('created_at'),
  text('created_by'),
  text('completed_at'),
  int('version'),
  text('doc'),
  // 0006-anomalies: what the agent and over-quantity rules filter on.
  text('patient_name'),
  text('contact'),
  int('max_boxes'),
];

/**
 * The columns a new business row (an upload entering the outbox) is written with; `id` is numbered by the
 * database, `attempts` defaults to 0, and the sender's columns stay NULL until it works on the row.
 */
export const BUSINESS_ROW_COLUMNS: readonly ColumnSpec[] = [
  text('infno'),
  text('business_key'),
  text('session_id'),
  text('payload'),
  text('created_at'),
  text('source'),
  text('state'),
  text('updated_at'),
  text('last_msgid'),
  text('inf_refmsgid'),
  text('delivered_at'),
  bigint('original_id'),
  // 0005-reconciliation: the payload's fixmedins_hilist_id (upload-rules.ts uploadDrugCode), so uploads count by drug
  // without reading every payload.
  text('his_drug_code'),
];

/** Everything an upload is read back from (its order keys come from tg_upload_keys). */
export const UPLOAD_READ_COLUMNS: readonly string[] = [
  'id',
  ...BUSINESS_ROW_COLUMNS.map((c) => c.name),
  'attempts',
  'next_attempt_at',
  'error_class',
  'last_error',
  'lease_owner',
  'lease_until',
];

/** One row per order key of an upload; `key_no` keeps the list's order. */
export const UPLOAD_KEY_COLUMNS: readonly ColumnSpec[] = [bigint('row_id'), text('order_key'), int('key_no')];

/** `id` is numbered by the database; (row_id, attempt) is unique. */
export const UPLOAD_ATTEMPT_COLUMNS: readonly ColumnSpec[] = [
  bigint('row_id'),
  int('attempt'),
  text('infno'),
  text('msgid'),
  text('started_at'),
  text('finished_at'),
  text('outcome'),
  int('http_status'),
  int('infcode'),
  text('message'),
  text('request'),
  text('response'),
];

export const PROXY_REQUEST_COLUMNS: readonly ColumnSpec[] = [
  text('msgid'),
  text('infno'),
  text('received_at'),
  text('source_ip'),
  text('session_id'),
  text('mode'),
  text('state'),
  text('request'),
  text('response'),
  text('business_keys'),
  text('updated_at'),
];

export const PACK_HOLD_COLUMNS: readonly ColumnSpec[] = [
  text('trace_code'),
  text('holder'),
  text('held_at'),
  text('expires_at'),
];

/** Everything an inbound message is written and read with (`raw` is bytes, so these rows go through knex's insert). */
export const INBOUND_COLUMNS: readonly string[] = [
  'id',
  'channel',
  'source_key',
  'kind',
  'received_at',
  'raw',
  'state',
  'code',
  'message',
  'session_id',
  'reply',
  'original_id',
  'reference',
  'updated_at',
];

/** `id` is numbered by the database (and orders the trail). */
export const AUDIT_COLUMNS: readonly ColumnSpec[] = [
  text('at'),
  text('actor'),
  text('role'),
  text('action'),
  text('session_id'),
  text('raw'),
  text('trace_code'),
  text('code'),
  text('reason'),
];

/** The HIS's book stock per drug and day (0005-reconciliation). */
export const BOOK_STOCK_COLUMNS: readonly ColumnSpec[] = [
  text('his_drug_code'),
  text('as_of'),
  int('quantity'),
  int('units'),
  text('source'),
  text('recorded_at'),
  text('recorded_by'),
];

export function columnNames(columns: readonly ColumnSpec[]): string[] {
  return columns.map((c) => c.name);
}
