/**
 * Trace codes sold more than once across everything the platform holds: the 假药/回流药/串换 signal of
 * insurance-interface.md §5. A sale counts while its 3505 row is recorded (3507 removes it); each 3506 row returning
 * the code cancels one sale. Codes with more than one sale left are reported with every sale.
 */
import type { RecordedRow } from './recorded-row.js';
import { traceCodesOf } from './recorded-row.js';

export interface SaleOfCode {
  fixmedinsCode: string;
  fixmedinsBchno: string;
  mdtrtSn: string | null;
  /** sel_retn_time as sent (hospital time). */
  selRetnTime: string | null;
  /** When the platform recorded it (yyyy-MM-dd HH:mm:ss hospital time). */
  crteTime: string;
  msgid: string;
}

export interface DuplicateCode {
  drugTracCodg: string;
  /** Sales left after returns (> 1). */
  netSales: number;
  returns: number;
  sales: SaleOfCode[];
}

export function duplicateSales(rows: readonly RecordedRow[]): DuplicateCode[] {
  const sales = new Map<string, SaleOfCode[]>();
  const returns = new Map<string, number>();
  for (const row of rows) {
    for (const code of traceCodesOf(row)) {
      if (row.infno === '3505') {
        sales.set(code, [...(sales.get(code) ?? []), saleOf(row)]);
      } else if (row.infno === '3506') {
        returns.set(code, (returns.get(code) ?? 0) + 1);
      }
    }
  }
  return [...sales.entries()]
    .map(([code, list]) => {
      const returned = returns.get(code) ?? 0;
      return { drugTracCodg: code, netSales: list.length - returned, returns: returned, sales: list };
    })
    .filter((d) => d.netSales > 1);
}

function saleOf(row: RecordedRow): SaleOfCode {
  const text = (name: string): string | null =>
    typeof row.fields[name] === 'string' ? (row.fields[name] as string) : null;
  return {
    fixmedinsCode: row.fixmedinsCode,
    fixmedinsBchno: row.bchno,
    mdtrtSn: text('mdtrt_sn'),
    selRetnTime: text('sel_retn_time'),
    crteTime: row.crteTime,
    msgid: row.msgid,
  };
}
