import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { headerKey } from '../../../core/catalog/tabular.js';
import type { RowProblem } from '../../../core/errors.js';
import { normaliseRelationCode, parseRelationRows } from '../../../core/hierarchy/parse-relation-rows.js';
import { RelationColumnKeys, relationColumns } from '../../../core/hierarchy/relation-columns.js';
import { table } from '../catalog/table.js';

const CASE = '83234560000000000001';
const MID1 = '82234560000000000001';
const MID2 = '82234560000000000002';
const U1 = '81234560000000000001';
const U2 = '81234560000000000002';
const U3 = '81234560000000000003';

const H = ['父码', '子码', '父码级别', '子码级别', '箱状态', '子码数量'];

function parse(...rows: string[][]) {
  const t = table(H, ...rows);
  return parseRelationRows(t.rows, t.headers);
}

function expectOneProblem(problems: RowProblem[], row: number, field: string, ...mentions: string[]): RowProblem {
  expect(problems, JSON.stringify(problems)).to.have.length(1);
  const p = problems[0]!;
  expect(p.row).to.equal(row);
  expect(p.field).to.equal(field);
  for (const m of mentions) {
    expect(p.message).to.include(m);
  }
  expect(p.message).to.match(/[\u4e00-\u9fff]/);
  return p;
}

describe('core/hierarchy/parseRelationRows', () => {
  describe('good rows', () => {
    it('parses case → middle → unit edges with level words and numbers', () => {
      const { relations, problems } = parse(
        [CASE, MID1, '大码', '中码', '正常', '2'],
        [CASE, MID2, '大', '中', '', '2'],
        [MID1, U1, '2', '1', '0', ''],
        [MID1, U2, '中码', '小码', 'normal', '']
      );
      expect(problems).to.deep.equal([]);
      expect(relations).to.deep.equal([
        { parentCode: CASE, childCode: MID1, parentLevel: 3, childLevel: 2, parentStatus: 'normal' },
        { parentCode: CASE, childCode: MID2, parentLevel: 3, childLevel: 2, parentStatus: 'normal' },
        { parentCode: MID1, childCode: U1, parentLevel: 2, childLevel: 1, parentStatus: 'normal' },
        { parentCode: MID1, childCode: U2, parentLevel: 2, childLevel: 1, parentStatus: 'normal' },
      ]);
    });

    it('reads parent status words and 码上放心 box_status numbers', () => {
      const cases: [string, string][] = [
        ['拼箱', 'mixed'],
        ['mixed', 'mixed'],
        ['1', 'mixed'],
        ['3', 'mixed'],
        ['零箱', 'partial'],
        ['partial', 'partial'],
        ['2', 'partial'],
        ['正常', 'normal'],
        ['0', 'normal'],
      ];
      for (const [word, status] of cases) {
        const { relations, problems } = parse([CASE, U1, '3', '1', word, '']);
        expect(problems, word).to.deep.equal([]);
        expect(relations[0]!.parentStatus, word).to.equal(status);
      }
    });

    it('accepts GS1 trace codes (canonical and bracketed) and unbrackets them', () => {
      const { relations, problems } = parse(
        ['0106901234567892' + '21CASE0001', '(01)06901234567892(21)U-0001', '3', '1', '', ''],
        ['0106901234567892' + '21CASE0001', U1, '3', '1', '', '']
      );
      expect(problems).to.deep.equal([]);
      expect(relations.map((r) => r.childCode)).to.deep.equal(['010690123456789221U-0001', U1]);
    });

    it('merges exact duplicate lines silently', () => {
      const { relations, problems } = parse([MID1, U1, '2', '1', '', '1'], [MID1, U1, '2', '1', '', '1']);
      expect(problems).to.deep.equal([]);
      expect(relations).to.have.length(1);
    });

    it('accepts English headers', () => {
      const t = table(
        ['Parent_Code', 'child code', 'PARENT_LEVEL', 'childLevel', 'box_status'],
        [MID1, U1, 'middle', 'unit', '']
      );
      const { relations, problems } = parseRelationRows(t.rows, t.headers);
      expect(problems).to.deep.equal([]);
      expect(relations).to.have.length(1);
    });

    it('parses the committed sample file rows', () => {
      const text = readFileSync(new URL('../../fixtures/import/relations-sample.csv', import.meta.url), 'utf8');
      const [header, ...lines] = text.trim().split('\n');
      const t = table(header!.split(','), ...lines.map((l) => l.split(',')));
      const { relations, problems } = parseRelationRows(t.rows, t.headers);
      expect(problems).to.deep.equal([]);
      expect(relations).to.have.length(11);
      expect(relations.filter((r) => r.parentStatus === 'partial').map((r) => r.parentCode)).to.deep.equal([
        '83234560000000000002',
      ]);
    });
  });

  describe('row problems (row, field, message naming the value)', () => {
    for (const bad of [
      '8123456000000000000',
      '71234560000000000001',
      '8123456000000000000X',
      '0106901234567893' + '21A1',
    ]) {
      it(`parent code "${bad}" is not a trace code`, () => {
        expectOneProblem(parse([bad, U1, '2', '1', '', '']).problems, 2, 'parent_code', bad);
      });
    }

    it('child code not a trace code, and empty codes', () => {
      expectOneProblem(parse([MID1, '6901234567892', '2', '1', '', '']).problems, 2, 'child_code', '6901234567892');
      expectOneProblem(parse(['', U1, '2', '1', '', '']).problems, 2, 'parent_code', '父码');
    });

    it('a code Excel turned into a number says so', () => {
      const p = expectOneProblem(
        parse([MID1, '8.12345600000000e+19', '2', '1', '', '']).problems,
        2,
        'child_code',
        '8.12345600000000e+19'
      );
      expect(p.message).to.include('文本');
    });

    it('parent level that is not middle/case', () => {
      expectOneProblem(parse([MID1, U1, '1', '1', '', '']).problems, 2, 'parent_level', '「1」');
      expectOneProblem(parse([MID1, U1, '箱子', '1', '', '']).problems, 2, 'parent_level', '箱子');
      expectOneProblem(parse([MID1, U1, '', '1', '', '']).problems, 2, 'parent_level', '父码级别');
    });

    it('child level that is not unit/middle', () => {
      expectOneProblem(parse([CASE, U1, '3', '大', '', '']).problems, 2, 'child_level', '大');
    });

    it('parent level not above child level', () => {
      expectOneProblem(parse([MID1, MID2, '中码', '中码', '', '']).problems, 2, 'child_level', '中码');
    });

    it('unknown parent status', () => {
      expectOneProblem(parse([MID1, U1, '2', '1', '破箱', '']).problems, 2, 'parent_status', '破箱');
    });

    it('a child under two parents: problem on the second line naming both parents', () => {
      const { relations, problems } = parse([MID1, U1, '2', '1', '', ''], [MID2, U1, '2', '1', '', '']);
      expectOneProblem(problems, 3, 'child_code', U1, MID1, MID2, '第 2 行');
      expect(relations).to.have.length(1);
    });

    it('a code that is its own child (cycle)', () => {
      expectOneProblem(parse([MID1, MID1, '2', '1', '', '']).problems, 2, 'parent_code', MID1);
    });

    it('a parent that appears as its own descendant (cycle)', () => {
      const { relations, problems } = parse([CASE, MID1, '3', '2', '', ''], [MID1, CASE, '2', '1', '', '']);
      expectOneProblem(problems, 3, 'parent_code', MID1, CASE, '循环', '第 2 行');
      expect(relations).to.have.length(1);
    });

    it('a longer cycle through three lines', () => {
      const { problems } = parse(
        [CASE, MID1, '3', '2', '', ''],
        [MID1, U1, '2', '1', '', ''],
        [U1, CASE, '3', '2', '', '']
      );
      // U1 was a unit on row 3 and CASE a case on row 2; the cycle is reported on the closing line.
      expect(problems[0]).to.include({ row: 4, field: 'parent_code' });
      expect(problems[0]!.message).to.include('循环');
    });

    it('a code given different levels on different lines', () => {
      expectOneProblem(
        parse([CASE, MID1, '3', '2', '', ''], [MID1, U1, '3', '1', '', '']).problems,
        3,
        'parent_level',
        MID1,
        '第 2 行'
      );
    });

    it('one parent with different statuses on different lines', () => {
      expectOneProblem(
        parse([MID1, U1, '2', '1', '正常', ''], [MID1, U2, '2', '1', '拼箱', '']).problems,
        3,
        'parent_status',
        MID1,
        '拼箱'
      );
    });

    it('child_count that does not match the children listed (the parent yields no edges)', () => {
      const { relations, problems } = parse(
        [MID1, U1, '2', '1', '', '3'],
        [MID1, U2, '2', '1', '', '3'],
        [MID2, U3, '2', '1', '', '1']
      );
      expectOneProblem(problems, 2, 'child_count', MID1, '3', '2 个');
      expect(relations.map((r) => r.parentCode)).to.deep.equal([MID2]);
    });

    it('child_count different on two lines of one parent', () => {
      const { problems } = parse([MID1, U1, '2', '1', '', '2'], [MID1, U2, '2', '1', '', '3']);
      expectOneProblem(problems, 3, 'child_count', MID1, '3', '第 2 行');
    });

    it('child_count that is not a positive integer', () => {
      expectOneProblem(parse([MID1, U1, '2', '1', '', '一']).problems, 2, 'child_count', '一');
    });

    it('a file without the code columns: one problem per missing column at row 1', () => {
      const t = table(['箱号', '盒号'], [MID1, U1]);
      const { relations, problems } = parseRelationRows(t.rows, t.headers);
      expect(relations).to.deep.equal([]);
      expect(problems.map((p) => [p.row, p.field])).to.deep.equal([
        [1, 'parent_code'],
        [1, 'child_code'],
        [1, 'parent_level'],
        [1, 'child_level'],
      ]);
      expect(problems[0]!.message).to.include('箱号');
    });

    it('problems are sorted by row', () => {
      const { problems } = parse([MID1, U1, '2', '1', '', '5'], ['x', U2, '2', '1', '', '']);
      expect(problems.map((p) => p.row)).to.deep.equal([2, 3]);
    });
  });

  it('column definitions: unique headers, every key documented', () => {
    expect(relationColumns.map((c) => c.key)).to.deep.equal([...RelationColumnKeys]);
    const all = relationColumns.flatMap((c) => [...new Set([c.key, c.label, ...c.aliases].map(headerKey))]);
    expect(new Set(all).size).to.equal(all.length);
  });

  it('normaliseRelationCode', () => {
    expect(normaliseRelationCode(' 81234560000000000001 ')).to.equal('81234560000000000001');
    expect(normaliseRelationCode('８１２３４５６００００００００００００１')).to.equal('81234560000000000001');
    expect(normaliseRelationCode('(01)06901234567892(21)ABC')).to.equal('01069012345678922' + '1ABC');
    expect(normaliseRelationCode('0106901234567892' + '21' + 'A'.repeat(21))).to.equal(null);
    expect(normaliseRelationCode('6901234567892')).to.equal(null);
  });
});
