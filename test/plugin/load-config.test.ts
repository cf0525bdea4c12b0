import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { TracegateError } from '../../core/errors.js';
import { loadConfig } from '../../plugin/load-config.js';

function configFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tg-config-'));
  const file = join(dir, 'tracegate.yaml');
  writeFileSync(file, text);
  return file;
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(TracegateError);
    expect((e as TracegateError).code).to.match(/^CONFIG_/);
    return ((e as TracegateError).details?.problems as string[] | undefined) ?? [(e as TracegateError).message];
  }
  throw new Error('expected a configuration error');
}

describe('configuration', () => {
  it('defaults to the embedded SQLite store on 127.0.0.1:8080', () => {
    const c = loadConfig({ env: {} });
    expect(c.store).to.deep.equal({ client: 'sqlite', filename: './data/tracegate.sqlite' });
    expect(c.server.host).to.equal('127.0.0.1');
    expect(c.server.port).to.equal(8080);
  });

  it('reads a YAML file and lets the environment override it, typed', () => {
    const file = configFile(
      'store:\n  client: postgres\n  host: db.local\n  port: 5432\n  database: ledger\nlog:\n  level: warn\n'
    );
    const c = loadConfig({
      file,
      env: { TRACEGATE_STORE__HOST: '10.0.0.5', PORT: '9090', TRACEGATE_DEMO__LOAD_WHEN_EMPTY: 'true' },
    });
    expect(c.store).to.include({ client: 'postgres', host: '10.0.0.5', database: 'ledger' });
    expect(c.server.port).to.equal(9090);
    expect(c.demo.loadWhenEmpty).to.equal(true);
    expect(c.log.level).to.equal('warn');
  });

  it('names the key and what is wrong', () => {
    const file = configFile('server:\n  port: eighty\n  colour: blue\nstore:\n  client: db2\n');
    const problems = problemsOf(() => loadConfig({ file, env: {} }));
    expect(problems.join('\n')).to.match(/server\.port/);
    expect(problems.join('\n')).to.match(/server.*colour/);
    expect(problems.join('\n')).to.match(/store\.client/);
  });

  it('refuses short tokens and unknown roles', () => {
    const file = configFile(
      'auth:\n  tokens:\n    - { name: a, token: short, roles: [pharmacist] }\n    - { name: b, token: aaaaaaaaaaaaaaaaaaaa, roles: [janitor] }\n'
    );
    const problems = problemsOf(() => loadConfig({ file, env: {} })).join('\n');
    expect(problems).to.match(/auth\.tokens\.0\.token/);
    expect(problems).to.match(/auth\.tokens\.1\.roles\.0/);
  });

  it('says when the file is missing or is not YAML', () => {
    expect(problemsOf(() => loadConfig({ file: '/nonexistent/tracegate.yaml', env: {} })).join()).to.match(
      /does not exist/
    );
    expect(problemsOf(() => loadConfig({ file: configFile('store: [unclosed\n'), env: {} })).join()).to.match(
      /not valid YAML/
    );
    expect(problemsOf(() => loadConfig({ file: configFile('- just\n- a list\n'), env: {} })).join()).to.match(
      /mapping/
    );
  });
});
