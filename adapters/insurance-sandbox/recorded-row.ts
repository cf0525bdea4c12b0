/** One 35xx business row the sandbox platform recorded, with where and when it came from. */
import type { RowInfno } from '../../core/insurance/row-fields.js';
import type { TransactionSpec } from '../../core/insurance/transactions.js';
import { traceCodesOfRow } from '../../core/insurance/transactions.js';

/** 3507 inv_data_type: 1 盘存 (3501), 2 库存变更 (3502), 3 采购 (3503/3504), 4 销售 (3505/3506). */
export type DataType = NonNullable<TransactionSpec['dataType']>;

/** The transactions that record rows (3507 deletes them). */
export type UploadInfno = Exclude<RowInfno, '3507'>;

/** What identifies a row for duplicates and 3507: the institution, the data type and fixmedins_bchno. */
export interface RowKey {
  fixmedinsCode: string;
  dataType: DataType;
  bchno: string;
}

export interface RecordedRow extends RowKey {
  /** Arrival order, unique for the sandbox's life (not reused after a 3507). */
  rid: number;
  /** 3501–3506, without the A of a batch request. */
  infno: UploadInfno;
  /** The infno of the request that carried it (3505 or 3505A). */
  requestInfno: string;
  /** The row exactly as received. */
  fields: Record<string, unknown>;
  msgid: string;
  infRefmsgid: string;
  opter: string;
  opterName: string;
  /** ISO instant of receipt. */
  receivedAt: string;
  /** yyyy-MM-dd HH:mm:ss hospital time: the platform's crte_time. */
  crteTime: string;
}

export function rowKeyString(key: RowKey): string {
  return `${key.fixmedinsCode}\u0000${key.dataType}\u0000${key.bchno}`;
}

/** The row's codes: the drugtracinfo node, and the legacy inline drug_trac_codg of older 3505 rows. */
export function traceCodesOf(row: RecordedRow): string[] {
  const codes = traceCodesOfRow(row.fields);
  const inline = row.fields.drug_trac_codg;
  return typeof inline === 'string' && inline !== '' && codes.length === 0 ? [inline] : codes;
}
