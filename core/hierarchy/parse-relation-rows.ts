/**
 * Package-relation import (大/中/小码关系): rows of a file → PackageRelation[] plus every row problem.
 * Never throws on bad data. A row with a problem yields no edge; a parent whose 子码数量 does not match the
 * file yields none of its edges.
 */
import type { PackLevel } from '../catalog/drug.js';
import { hasValidGtinCheckDigit as isValidGtin } from '../recognition/gtin-check-digit.js';
import {
  LOST_PRECISION_HINT,
  ProblemList,
  columnHeadersHint,
  looksLikeLostPrecision,
  parsePositiveInteger,
  resolveColumns,
  type TabularRow,
} from '../catalog/tabular.js';
import type { RowProblem } from '../errors.js';
import type { PackageRelation, ParentStatus } from './package-relation.js';
import { relationColumns, type RelationColumnKey } from './relation-columns.js';

export interface ParseRelationResult {
  /** Accepted edges in file order, exact duplicates merged. */
  relations: PackageRelation[];
  /** At most MAX_REPORTED_PROBLEMS problems, sorted by row. */
  problems: RowProblem[];
  /** True when more problems were found than are listed. */
  truncated: boolean;
}

const CHINESE_CODE = /^8\d{19}$/;
const GS1_CODE = /^01(\d{14})21([!"%-?A-Z_a-z]{1,20})$/;
const GS1_BRACKETED = /^\(01\)(\d{14})\(21\)([!"%-?A-Z_a-z]{1,20})$/;

/**
 * A trace code as accepted in a relation file, in canonical form: a 20-digit Chinese code (`^8\d{19}$`) or a
 * GS1 `01`+GTIN-14 (valid check digit)+`21`+serial (the bracketed `(01)…(21)…` form is accepted and
 * unbracketed). Null when it is neither.
 */
export function normaliseRelationCode(value: string): string | null {
  if (CHINESE_CODE.test(value)) {
    return value;
  }
  const v = value.normalize('NFKC').trim();
  if (CHINESE_CODE.test(v)) {
    return v;
  }
  const m = GS1_CODE.exec(v) ?? GS1_BRACKETED.exec(v);
  if (m && isValidGtin(m[1]!)) {
    return `01${m[1]}21${m[2]}`;
  }
  return null;
}

const levelWords = new Map<string, PackLevel>(
  Object.entries({
    '1': 1,
    小: 1,
    小码: 1,
    小包: 1,
    unit: 1,
    '2': 2,
    中: 2,
    中码: 2,
    中包: 2,
    middle: 2,
    '3': 3,
    大: 3,
    大码: 3,
    大箱: 3,
    箱: 3,
    case: 3,
  } satisfies Record<string, PackLevel>)
);
const levelLabel: Record<PackLevel, string> = { 1: '小码', 2: '中码', 3: '大码' };

function parseLevel(value: string): PackLevel | undefined {
  return levelWords.get(value) ?? levelWords.get(value.normalize('NFKC').trim().toLowerCase());
}

const statusWords = new Map<string, ParentStatus>(
  Object.entries({
    normal: 'normal',
    正常: 'normal',
    '0': 'normal',
    mixed: 'mixed',
    拼箱: 'mixed',
    混箱: 'mixed',
    '1': 'mixed',
    // 码上放心 box_status 3 = 拼箱 and 零箱 at once; either way the parent needs unit scans.
    '3': 'mixed',
    partial: 'partial',
    零箱: 'partial',
    尾箱: 'partial',
    '2': 'partial',
  } satisfies Record<string, ParentStatus>)
);
const statusLabel: Record<ParentStatus, string> = { normal: '正常', mixed: '拼箱', partial: '零箱' };

const PARENT_LEVELS: readonly PackLevel[] = [2, 3];
const CHILD_LEVELS: readonly PackLevel[] = [1, 2];

/** Reads the cells of the current row and records their problems (one instance per file, no per-row closures). */
class RowCells {
  private row = 0;
  private values: Record<string, string> = {};
  constructor(
    private readonly columns: Partial<Record<RelationColumnKey, string>>,
    private readonly problems: ProblemList
  ) {}

  at(row: number, values: Record<string, string>): void {
    this.row = row;
    this.values = values;
  }

  get(key: RelationColumnKey): string {
    const header = this.columns[key];
    return header === undefined ? '' : (this.values[header] ?? '').trim();
  }

  code(field: 'parent_code' | 'child_code'): string | null {
    const raw = this.get(field);
    const what = field === 'parent_code' ? '父码' : '子码';
    if (raw === '') {
      this.problems.add(this.row, field, `${what}为空`);
      return null;
    }
    const code = normaliseRelationCode(raw);
    if (code === null) {
      this.problems.add(
        this.row,
        field,
        `${what}「${raw}」不是追溯码：应为以 8 开头的 20 位数字，或 GS1 格式 01+14 位 GTIN+21+序列号` +
          (looksLikeLostPrecision(raw) ? LOST_PRECISION_HINT : '')
      );
    }
    return code;
  }

  level(field: 'parent_level' | 'child_level', allowed: readonly PackLevel[]): PackLevel | null {
    const raw = this.get(field);
    const level = parseLevel(raw);
    if (level !== undefined && allowed.includes(level)) {
      return level;
    }
    const what = field === 'parent_level' ? '父码级别' : '子码级别';
    const hint = allowed.map((l) => `${l}/${levelLabel[l]}`).join(' 或 ');
    this.problems.add(
      this.row,
      field,
      raw === '' ? `${what}为空，应填 ${hint}` : `${what}「${raw}」不对，应填 ${hint}`
    );
    return null;
  }
}

export function parseRelationRows(rows: readonly TabularRow[], headers: readonly string[]): ParseRelationResult {
  const problems = new ProblemList();
  const { columns } = resolveColumns(headers, relationColumns);
  const missing = relationColumns.filter((c) => c.requiredColumn && columns[c.key] === undefined);
  if (missing.length > 0) {
    for (const def of missing) {
      problems.add(
        1,
        def.key,
        `找不到「${def.label}」列（可用表头：${columnHeadersHint(def)}）；文件表头为：${headers.join('、') || '（空）'}`
      );
    }
    return { relations: [], problems: problems.problems, truncated: problems.truncated };
  }

  const relations: PackageRelation[] = [];
  const edgeKeys = new Set<string>();
  /** child → its accepted parent edge (one parent per child). */
  const parentOf = new Map<string, { parent: string; row: number }>();
  /** code → level it was accepted with, and where. */
  const levelOf = new Map<string, { level: PackLevel; row: number }>();
  const statusOf = new Map<string, { status: ParentStatus; row: number }>();
  /** parent → distinct child codes listed under it (rows whose two codes are well-formed). */
  const childrenListed = new Map<string, Set<string>>();
  /** parent → the 子码数量 first given for it. */
  const declaredCount = new Map<string, { count: number; row: number }>();

  const cells = new RowCells(columns, problems);
  for (const { rowNumber: row, values } of rows) {
    cells.at(row, values);
    const before = problems.count;
    const parent = cells.code('parent_code');
    const child = cells.code('child_code');
    const parentLevel = cells.level('parent_level', PARENT_LEVELS);
    const childLevel = cells.level('child_level', CHILD_LEVELS);

    const statusRaw = cells.get('parent_status');
    let status: ParentStatus | null = 'normal';
    if (statusRaw !== '') {
      status = statusWords.get(statusRaw) ?? statusWords.get(statusRaw.normalize('NFKC').toLowerCase()) ?? null;
      if (status === null) {
        problems.add(
          row,
          'parent_status',
          `箱状态「${statusRaw}」无法识别，应填 正常/拼箱/零箱、normal/mixed/partial 或 0/1/2`
        );
      }
    }

    const countRaw = cells.get('child_count');
    let count: number | null = null;
    if (countRaw !== '') {
      count = parsePositiveInteger(countRaw);
      if (count === null) {
        problems.add(row, 'child_count', `子码数量「${countRaw}」不是正整数`);
      }
    }

    if (parent !== null && child !== null) {
      let listed = childrenListed.get(parent);
      if (!listed) {
        childrenListed.set(parent, (listed = new Set()));
      }
      listed.add(child);
      if (count !== null) {
        const first = declaredCount.get(parent);
        if (!first) {
          declaredCount.set(parent, { count, row });
        } else if (first.count !== count) {
          problems.add(
            row,
            'child_count',
            `父码「${parent}」的子码数量「${countRaw}」与第 ${first.row} 行的「${first.count}」不一致`
          );
        }
      }
    }

    if (parent !== null && child !== null && parent === child) {
      problems.add(row, 'parent_code', `追溯码「${parent}」既是父码又是自己的子码（循环）`);
    } else if (parentLevel !== null && childLevel !== null && parentLevel <= childLevel) {
      problems.add(
        row,
        'child_level',
        `子码级别「${cells.get('child_level')}」（${levelLabel[childLevel]}）必须低于父码级别「${cells.get('parent_level')}」（${levelLabel[parentLevel]}）`
      );
    }
    if (problems.count > before || parent === null || child === null) {
      continue;
    }
    if (parentLevel === null || childLevel === null || status === null) {
      continue;
    }

    const key = `${parent}|${child}|${parentLevel}|${childLevel}|${status}`;
    if (edgeKeys.has(key)) {
      continue;
    } // exact duplicate line: merged

    // Cycle: the child is already an ancestor of the parent.
    const path = [parent];
    let cycleRow = 0;
    for (let up = parentOf.get(parent), guard = 0; up && guard < 10_000; up = parentOf.get(up.parent), guard++) {
      path.push(up.parent);
      if (up.parent === child) {
        cycleRow = up.row;
        break;
      }
    }
    if (cycleRow > 0) {
      problems.add(
        row,
        'parent_code',
        `父码「${parent}」是子码「${child}」的下级（${path.reverse().join(' → ')}，见第 ${cycleRow} 行），这一行会形成循环`
      );
      continue;
    }

    const owner = parentOf.get(child);
    if (owner && owner.parent !== parent) {
      problems.add(
        row,
        'child_code',
        `子码「${child}」已在第 ${owner.row} 行属于父码「${owner.parent}」，这里又属于父码「${parent}」；一个子码只能有一个父码`
      );
      continue;
    }

    for (const [code, level, field] of [
      [parent, parentLevel, 'parent_level'],
      [child, childLevel, 'child_level'],
    ] as const) {
      const known = levelOf.get(code);
      if (known && known.level !== level) {
        problems.add(
          row,
          field,
          `追溯码「${code}」在第 ${known.row} 行是${levelLabel[known.level]}，这里写成了${levelLabel[level]}`
        );
      }
    }
    const knownStatus = statusOf.get(parent);
    if (knownStatus && knownStatus.status !== status) {
      problems.add(
        row,
        'parent_status',
        `父码「${parent}」的箱状态「${statusRaw || '正常'}」与第 ${knownStatus.row} 行的「${statusLabel[knownStatus.status]}」不一致`
      );
    }
    if (problems.count > before) {
      continue;
    }

    edgeKeys.add(key);
    parentOf.set(child, { parent, row });
    if (!levelOf.has(parent)) {
      levelOf.set(parent, { level: parentLevel, row });
    }
    if (!levelOf.has(child)) {
      levelOf.set(child, { level: childLevel, row });
    }
    if (!statusOf.has(parent)) {
      statusOf.set(parent, { status, row });
    }
    relations.push({ parentCode: parent, childCode: child, parentLevel, childLevel, parentStatus: status });
  }

  // 子码数量 must match the children the file lists under each parent.
  const badParents = new Set<string>();
  for (const [parent, { count, row }] of declaredCount) {
    const listed = childrenListed.get(parent)?.size ?? 0;
    if (listed !== count) {
      badParents.add(parent);
      problems.add(
        row,
        'child_count',
        `父码「${parent}」的子码数量填写为「${count}」，但文件中该父码下有 ${listed} 个子码`
      );
    }
  }

  const list = problems.problems.slice().sort((a, b) => a.row - b.row);
  return {
    relations: badParents.size === 0 ? relations : relations.filter((r) => !badParents.has(r.parentCode)),
    problems: list,
    truncated: problems.truncated,
  };
}
