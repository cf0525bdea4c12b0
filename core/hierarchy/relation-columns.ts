/** The documented columns of a package-relation (大小码关系 / 包装级联) import file. */
import type { ColumnDef } from '../catalog/tabular.js';

export const RelationColumnKeys = [
  'parent_code',
  'child_code',
  'parent_level',
  'child_level',
  'parent_status',
  'child_count',
] as const;
export type RelationColumnKey = (typeof RelationColumnKeys)[number];

export const relationColumns: readonly ColumnDef<RelationColumnKey>[] = [
  {
    key: 'parent_code',
    label: '父码',
    aliases: ['上级码', '父级码', '大码', '包装码', 'parent', 'parentCode'],
    requiredColumn: true,
    description:
      '必填。中码或大码的追溯码：20 位数字且以 8 开头，或 GS1 格式 01+14 位 GTIN+21+序列号（可写成 (01)…(21)…）。',
    example: '83123450000000000011',
  },
  {
    key: 'child_code',
    label: '子码',
    aliases: ['下级码', '子级码', 'child', 'childCode'],
    requiredColumn: true,
    description: '必填。直接装在父码包装里的下一级追溯码，格式同父码；一个子码只能属于一个父码。',
    example: '82123450000000000101',
  },
  {
    key: 'parent_level',
    label: '父码级别',
    aliases: ['父码层级', '父级别', 'parentLevel'],
    requiredColumn: true,
    description: '必填。2 / 中 / 中码 = 中码；3 / 大 / 大码 = 大码。',
    example: '3',
  },
  {
    key: 'child_level',
    label: '子码级别',
    aliases: ['子码层级', '子级别', 'childLevel'],
    requiredColumn: true,
    description: '必填。1 / 小 / 小码 = 小码；2 / 中 / 中码 = 中码；必须低于父码级别。',
    example: '2',
  },
  {
    key: 'parent_status',
    label: '箱状态',
    aliases: ['状态', '父码状态', 'box_status', 'parentStatus'],
    requiredColumn: false,
    description:
      '可空（空 = 正常）。normal / 正常 / 0；mixed / 拼箱 / 混箱 / 1；partial / 零箱 / 尾箱 / 2；3（拼箱且零箱）按拼箱处理。拼箱、零箱扫父码不会自动展开，需逐个扫小码。同一父码的各行须一致。',
    example: '正常',
  },
  {
    key: 'child_count',
    label: '子码数量',
    aliases: ['子码数', '下级码数量', 'childCount'],
    requiredColumn: false,
    description: '可空。该父码的直接子码个数，用于核对：必须等于文件中该父码下不同子码的行数。',
    example: '2',
  },
];

export const relationColumnByKey: Readonly<Record<RelationColumnKey, ColumnDef<RelationColumnKey>>> =
  Object.fromEntries(relationColumns.map((c) => [c.key, c])) as Record<RelationColumnKey, ColumnDef<RelationColumnKey>>;
