/**
 * The documented columns of a catalog (三码合一 / 药品目录) import file. Docs (`docs/import-formats.md`), an
 * export and an import UI reuse these definitions; `parse-catalog-rows.ts` reads files with them.
 */
import type { ColumnDef } from './tabular.js';

export const CatalogColumnKeys = [
  'his_drug_code',
  'insurance_code',
  'name',
  'spec',
  'manufacturer',
  'rx_flag',
  'vbp_flag',
  'units_per_pack',
  'unit_name',
  'unit_prefixes',
  'middle_prefixes',
  'middle_unit_count',
  'case_prefixes',
  'case_unit_count',
  'gtins',
  'barcode69',
  'exempt',
  'exempt_reason',
] as const;
export type CatalogColumnKey = (typeof CatalogColumnKeys)[number];

export const catalogColumns: readonly ColumnDef<CatalogColumnKey>[] = [
  {
    key: 'his_drug_code',
    label: 'HIS药品编码',
    aliases: [
      '药品编码',
      'HIS编码',
      '院内药品编码',
      '院内编码',
      '本院编码',
      '药品代码',
      'fixmedins_hilist_id',
      'hisDrugCode',
    ],
    requiredColumn: true,
    description:
      '必填。HIS 中的药品编码：1–50 位字母、数字或 . - _ /，文件内不可重复（医保 35xx 接口的 fixmedins_hilist_id 最长 30 位）。',
    example: 'Y0001023',
  },
  {
    key: 'insurance_code',
    label: '医保编码',
    aliases: [
      '医保目录编码',
      '医保药品编码',
      '国家医保编码',
      '医保代码',
      '医疗目录编码',
      'med_list_codg',
      'insuranceCode',
    ],
    requiredColumn: false,
    description: '可空。国家医保目录编码（字母和数字，最长 50 个字符）。',
    example: 'XC10AAA044A001010101445',
  },
  {
    key: 'name',
    label: '药品名称',
    aliases: ['通用名', '通用名称', '药品通用名', '品名', '名称', 'drug_name', 'fixmedins_hilist_name'],
    requiredColumn: true,
    description: '必填。药品名称（通用名）。',
    example: '阿托伐他汀钙片',
  },
  {
    key: 'spec',
    label: '规格',
    aliases: ['药品规格', '规格型号', 'specification'],
    requiredColumn: false,
    description: '可空。规格，如 20mg*7片。',
    example: '20mg*7片',
  },
  {
    key: 'manufacturer',
    label: '生产厂家',
    aliases: ['厂家', '生产企业', '生产厂商', '生产企业名称', 'prodentp_name'],
    requiredColumn: false,
    description: '可空。生产企业名称。',
    example: '北京嘉林药业股份有限公司',
  },
  {
    key: 'rx_flag',
    label: '处方药标志',
    aliases: ['处方药', '是否处方药', 'rx', 'rxFlag'],
    requiredColumn: false,
    description: '可空（空 = 否）。是/否、1/0、Y/N、true/false；2（双跨）按处方药处理。',
    example: '是',
  },
  {
    key: 'vbp_flag',
    label: '集采标志',
    aliases: ['集采', '是否集采', '集采药品', 'vbp', 'vbpFlag'],
    requiredColumn: false,
    description: '可空（空 = 否）。是否国家/省级集中带量采购药品：是/否、1/0、Y/N、true/false。',
    example: '是',
  },
  {
    key: 'units_per_pack',
    label: '每盒最小单位数',
    aliases: ['包装数量', '包装系数', '最小包装数量', '每包装最小单位数', 'unitsPerPack'],
    requiredColumn: false,
    description: '可空（空 = 1）。一个小码包装（如一盒）含多少个最小计价单位（如 7 片），正整数。',
    example: '7',
  },
  {
    key: 'unit_name',
    label: '最小单位',
    aliases: ['单位', '最小计价单位', '最小单位名称', 'unit', 'unitName'],
    requiredColumn: false,
    description: '可空。最小计价单位名称（片、粒、支、g…）。',
    example: '片',
  },
  {
    key: 'unit_prefixes',
    label: '小码前缀',
    aliases: ['小码药品标识码', '药品标识码', '追溯码前缀', '小码标识码', 'unit_prefix', 'unitPrefixes'],
    requiredColumn: false,
    description:
      '小码（最小追溯包装）的 7 位药品标识码，以 8 开头；可填多个，用 ; , 、 或空格分隔。非无码药品至少要有一个小码前缀或一个 GTIN。',
    example: '8123456;8123457',
  },
  {
    key: 'middle_prefixes',
    label: '中码前缀',
    aliases: ['中码药品标识码', '中码标识码', 'middle_prefix', 'middlePrefixes'],
    requiredColumn: false,
    description: '可空。中码（中包装）的 7 位药品标识码，可填多个；填写时必须同时填写「中码含小码数」。',
    example: '8223456',
  },
  {
    key: 'middle_unit_count',
    label: '中码含小码数',
    aliases: ['中包装含小包装数', '中码包装比', 'middleUnitCount'],
    requiredColumn: false,
    description: '一个中码包装含多少个小码包装，整数 ≥ 2；与「中码前缀」成对填写。',
    example: '10',
  },
  {
    key: 'case_prefixes',
    label: '大码前缀',
    aliases: ['大码药品标识码', '大码标识码', '箱码前缀', 'case_prefix', 'casePrefixes'],
    requiredColumn: false,
    description: '可空。大码（箱）的 7 位药品标识码，可填多个；填写时必须同时填写「大码含小码数」。',
    example: '8323456',
  },
  {
    key: 'case_unit_count',
    label: '大码含小码数',
    aliases: ['大包装含小包装数', '大码包装比', '每箱盒数', 'caseUnitCount'],
    requiredColumn: false,
    description:
      '一个大码包装含多少个小码包装，整数 ≥ 2；与「大码前缀」成对填写；同时有中码时必须大于中码含小码数且为其整数倍。',
    example: '200',
  },
  {
    key: 'gtins',
    label: 'GTIN',
    aliases: ['GTIN14', 'GTIN码', 'gtin'],
    requiredColumn: false,
    description: '可空。小码包装的 GTIN-14 或 GTIN-13（校验位必须正确），可填多个；保存为 14 位。',
    example: '06901234567892',
  },
  {
    key: 'barcode69',
    label: '69码',
    aliases: ['商品条码', '药品条形码', '条形码', '条码', 'EAN13', 'drug_prod_barc', 'barcode'],
    requiredColumn: false,
    description: '可空。13 位商品条码（EAN-13，校验位必须正确）。它是商品条码，不是追溯码。',
    example: '6901234567892',
  },
  {
    key: 'exempt',
    label: '无码',
    aliases: ['免扫', '无码药品', '是否无码', '是否免扫', 'exempt'],
    requiredColumn: false,
    description: '可空（空 = 否）。无追溯码、发药时不扫码的药品（中药饮片、院内制剂、无码库存）：是/否。',
    example: '否',
  },
  {
    key: 'exempt_reason',
    label: '无码原因',
    aliases: ['免扫原因', 'exemptReason'],
    requiredColumn: false,
    description: '无码 = 是 时必填，如「中药饮片」；无码 = 否 时不可填写。',
    example: '中药饮片',
  },
];

export const catalogColumnByKey: Readonly<Record<CatalogColumnKey, ColumnDef<CatalogColumnKey>>> = Object.fromEntries(
  catalogColumns.map((c) => [c.key, c])
) as Record<CatalogColumnKey, ColumnDef<CatalogColumnKey>>;
