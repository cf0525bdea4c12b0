/**
 * The HIS's book stock (账面库存) of one drug on one day, as the HIS reports it: whole packs of the smallest coded
 * level, and the loose units of opened packs (拆零) when the HIS books them apart. Written by an import, the HIS
 * database channel or the API; one figure per drug and day (a later one for the same day replaces it).
 */
import type { RowProblem } from '../../errors.js';

export const BookStockSources = ['import', 'his-db', 'api'] as const;
export type BookStockSource = (typeof BookStockSources)[number];

export interface BookStockDraft {
  hisDrugCode: string;
  /** yyyy-MM-dd, hospital-local. */
  asOf: string;
  quantity: number;
  units: number | null;
}

export interface BookStock extends BookStockDraft {
  source: BookStockSource;
  recordedAt: string;
  recordedBy: string;
}

/** tg_book_stock.his_drug_code is 64 wide, like every HIS drug code column. */
export const MAX_HIS_DRUG_CODE = 64;

/** What the catalog says about a drug code, for checking book stock rows. */
export type DrugLookup = (hisDrugCode: string) => { exempt: boolean } | undefined;

/**
 * Problems of drafts already parsed (numbers are numbers): unknown drugs, impossible values and the same drug and day
 * twice. `row` of a problem is the 1-based position, or the file row when the caller gives one.
 */
export function bookStockProblems(
  drafts: readonly BookStockDraft[],
  drugOf: DrugLookup,
  rowOf: (index: number) => number = (i) => i + 1
): RowProblem[] {
  const problems: RowProblem[] = [];
  const seen = new Map<string, number>();
  drafts.forEach((d, i) => {
    const row = rowOf(i);
    const problem = (field: string, message: string): void => {
      problems.push({ row, field, message });
    };
    if (d.hisDrugCode === '' || d.hisDrugCode.length > MAX_HIS_DRUG_CODE) {
      problem('his_drug_code', `HIS药品编码应为 1–${MAX_HIS_DRUG_CODE} 个字符`);
    } else if (!drugOf(d.hisDrugCode)) {
      problem('his_drug_code', `HIS药品编码「${d.hisDrugCode}」不在药品目录中，请先导入或同步药品目录`);
    }
    if (!Number.isSafeInteger(d.quantity)) {
      problem('quantity', `账面库存「${d.quantity}」应为整数盒；拆零部分请填在「拆零数量」列`);
    }
    if (d.units !== null && !(Number.isSafeInteger(d.units) && d.units >= 0)) {
      problem('units', `拆零数量「${d.units}」应为不小于 0 的整数`);
    }
    const key = `${d.hisDrugCode}\u0000${d.asOf}`;
    const first = seen.get(key);
    if (first !== undefined) {
      problem('his_drug_code', `HIS药品编码「${d.hisDrugCode}」${d.asOf} 的账面库存与第 ${first} 行重复`);
    } else {
      seen.set(key, row);
    }
  });
  return problems;
}
