/** `tracegate import book-stock` and `tracegate report …` as a user runs them (real processes, their own SQLite). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import ExcelJS from 'exceljs';

const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const cli = join(process.cwd(), 'plugin', 'cli.ts');

describe('CLI: book stock and reports (real processes)', function () {
  this.timeout(120_000);

  it('imports book stock, reconciles as a table, JSON and XLSX, and refuses an unknown category', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-report-cli-'));
    const env = { ...process.env, TRACEGATE_STORE__FILENAME: join(dir, 'ledger.sqlite') };
    const run = (...args: string[]) => {
      const r = spawnSync(tsx, [cli, ...args], { env, encoding: 'utf8', cwd: dir, timeout: 60_000 });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    expect(run('migrate').status).to.equal(0);
    writeFileSync(join(dir, 'catalog.csv'), 'HIS药品编码,药品名称,每盒最小单位数,小码前缀\nA1,测试片,10,8301001\n');
    expect(run('import', 'catalog', join(dir, 'catalog.csv')).status).to.equal(0);
    writeFileSync(join(dir, 'book.csv'), 'HIS药品编码,账面库存(盒),拆零数量\nA1,8,3\n');
    const imported = run('import', 'book-stock', join(dir, 'book.csv'), '--as-of', '2026-01-05');
    expect(imported.stdout).to.match(/imported 1 book stock rows \(2026-01-05\)/);

    const table = run('report', 'reconcile');
    expect(table.status, table.stderr).to.equal(0);
    expect(table.stdout).to.match(/药帐核对 \d{4}-\d{2}-\d{2}（当前台账）/);
    expect(table.stdout).to.match(/A1\s+测试片\s+8\s+0/);
    const json = JSON.parse(run('report', 'reconcile', '--format', 'json', '--drug', 'A1').stdout);
    expect(json.drugs[0]).to.deep.include({ hisDrugCode: 'A1', variance: 8, unitsVariance: 3 });

    const out = join(dir, 'report.xlsx');
    expect(run('report', 'reconcile', '--format', 'xlsx', '--out', out).stdout).to.contain(`wrote ${out}`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(readFileSync(out) as unknown as ArrayBuffer);
    expect(book.worksheets[0]!.getRow(2).getCell(1).value).to.equal('A1');

    const bad = run('report', 'codes', 'A1', 'bogus');
    expect(bad.status).to.equal(1);
    expect(bad.stderr).to.match(/^CATEGORY_INVALID: /m);
  });
});
