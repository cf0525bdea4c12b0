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
} as const;

export interface ColumnSpec {
  name: string;
  kind: 'text' | 'int';
}

const text = (name: string): ColumnSpec => ({ name, kind: 'text' });
const int = (name: string): ColumnSpec => ({ name, kind: 'int' });

export const PACK_COLUMNS: readonly ColumnSpec[] = [
  text('trace_code'),
  text('his_drug_code'),
  text('state'),
  int('units_remaining'),
  text('lot'),
  text('expiry'),
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
];

/** The columns tracegate writes; `id` is numbered by the database and `state` defaults to 'pending'. */
export const BUSINESS_ROW_COLUMNS: readonly ColumnSpec[] = [
  text('infno'),
  text('business_key'),
  text('session_id'),
  text('payload'),
  text('created_at'),
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

export function columnNames(columns: readonly ColumnSpec[]): string[] {
  return columns.map((c) => c.name);
}
