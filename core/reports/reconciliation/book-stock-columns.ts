/** The documented columns of a book stock (账面库存) import file; Chinese or English headers. */
import type { ColumnDef } from '../../catalog/tabular.js';

export const BookStockColumnKeys = ['his_drug_code', 'quantity', 'units', 'as_of'] as const;
export type BookStockColumnKey = (typeof BookStockColumnKeys)[number];

export const bookStockColumns: readonly ColumnDef<BookStockColumnKey>[] = [
  {
    key: 'his_drug_code',
    label: 'HIS药品编码',
    aliases: ['药品编码', 'HIS编码', '药品代码', 'hisDrugCode', 'drug_code'],
    requiredColumn: true,
    description: '必填。HIS 的药品编码，须已在药品目录中。',
    example: 'Y0001',
  },
  {
    key: 'quantity',
    label: '账面库存',
    aliases: ['账面库存(盒)', '账面数量', '库存数量', '库存', 'book_quantity', 'bookQuantity'],
    requiredColumn: true,
    description: '必填。HIS 账面库存，整盒数（最小追溯包装）；可为负数（HIS 先销后入）。',
    example: '8',
  },
  {
    key: 'units',
    label: '拆零数量',
    aliases: ['零散数量', '账面拆零', '拆零', 'loose_units', 'looseUnits'],
    requiredColumn: false,
    description: '可空。已拆零药盒剩余的最小单位数（片、粒…），HIS 单独记账时填写。',
    example: '3',
  },
  {
    key: 'as_of',
    label: '日期',
    aliases: ['库存日期', '账面日期', '盘点日期', 'asOf', 'date'],
    requiredColumn: false,
    description: '可空。账面库存所属日期 yyyy-MM-dd；整列缺省时用导入时指定的日期（默认今天）。',
    example: '2026-11-29',
  },
];
