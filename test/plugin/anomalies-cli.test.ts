/** `tracegate anomalies run|list` and `tracegate import duplicate-notices`, as a user runs them. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse as parseCsv } from 'csv-parse/sync';

const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const cli = join(process.cwd(), 'plugin', 'cli.ts');

function run(args: string[], env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(tsx, [cli, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('anomalies CLI (real processes)', function () {
  this.timeout(120_000);

  it('imports notices, runs the rules, lists and exports the findings; bad options exit 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-cli-anomalies-'));
    const env = { TRACEGATE_STORE__FILENAME: join(dir, 'ledger.sqlite') };
    expect(run(['migrate'], env).status).to.equal(0);

    const notices = join(dir, '重复通知.csv');
    writeFileSync(
      notices,
      '药品追溯码,定点医药机构编号,统筹区,重复类型\n81010010000000000001,P31011500012,310115,回流\n'
    );
    expect(run(['import', 'duplicate-notices', notices], env).stdout).to.match(
      /imported 1 notices \(0 already known\)/
    );
    expect(run(['import', 'duplicate-notices', notices], env).stdout).to.match(
      /imported 0 notices \(1 already known\)/
    );

    const ran = run(['anomalies', 'run'], env);
    expect(ran.status, ran.stderr).to.equal(0);
    expect(ran.stdout).to.match(/^run G\w+: 0 new, 0 updated/m);
    expect(ran.stdout).to.contain('AGENT_MANY_PATIENTS 0');

    const list = run(['anomalies', 'list'], env);
    expect(list.status, list.stderr).to.equal(0);
    expect(list.stdout).to.contain('no anomalies');
    const json = JSON.parse(run(['anomalies', 'list', '--json'], env).stdout);
    expect(json.notices).to.deep.equal({ total: 1, byKind: { resold: 1 } });

    const out = join(dir, 'anomalies.csv');
    expect(run(['anomalies', 'list', '--format', 'csv', '--out', out], env).stdout).to.match(/wrote 0 anomalies/);
    const text = readFileSync(out, 'utf8');
    expect(text.charCodeAt(0)).to.equal(0xfeff);
    expect(parseCsv(text.slice(1))[0]).to.include.members(['异常类型', '风险等级', '摘要', '证据']);

    const bad = run(['anomalies', 'list', '--risk', 'extreme'], env);
    expect(bad.status).to.equal(1);
    expect(bad.stderr).to.match(/^ARGUMENT_INVALID: unknown risk "extreme"/m);
  });
});
