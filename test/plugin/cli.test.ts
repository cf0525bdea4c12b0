import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';

const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const cli = join(process.cwd(), 'plugin', 'cli.ts');

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'tg-cli-'));
}

/** Run the CLI as a user would, with its own SQLite file. */
function run(
  args: string[],
  env: Record<string, string> = {}
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(tsx, [cli, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('CLI (real processes)', function () {
  this.timeout(120_000);

  it('serve --demo starts on a fresh store, loads the demo, and answers a code lookup', async () => {
    const dir = tempDir();
    const child = spawn(tsx, [cli, '--demo', 'serve'], {
      env: { ...process.env, PORT: '0', TRACEGATE_STORE__FILENAME: join(dir, 'data', 'ledger.sqlite') },
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m?.[1]) {
            resolve(m[1]);
          }
        });
        child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
      });
      const res = await fetch(`${url}/api/v1/codes/81010010000000000001`, {
        headers: { authorization: 'Bearer demo-pharmacist-token' },
      });
      const body = (await res.json()) as { state: string; history: unknown[] };
      expect(res.status).to.equal(200);
      expect(body.state).to.equal('dispensed');
      expect(body.history).to.have.length(2);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('migrate, import, code and doctor work against one store; errors exit 1 with CODE: message', () => {
    const dir = tempDir();
    const env = { TRACEGATE_STORE__FILENAME: join(dir, 'ledger.sqlite') };
    expect(run(['migrate'], env).stdout).to.match(/applied: 0001-foundation/);
    expect(run(['migrate'], env).stdout).to.match(/already up to date/);

    const catalog = join(dir, 'catalog.csv');
    writeFileSync(
      catalog,
      'HIS药品编码,药品名称,每盒最小单位数,小码前缀,大码前缀,大码含小码数\nA1,测试片,10,8301001,8301003,2\n'
    );
    expect(run(['import', 'catalog', catalog], env).stdout).to.match(/imported 1 drugs/);
    const relations = join(dir, 'rel.csv');
    writeFileSync(
      relations,
      '父码,子码,父码级别,子码级别\n83010030000000000001,83010010000000000001,3,1\n83010030000000000001,83010010000000000002,3,1\n'
    );
    expect(run(['import', 'relations', relations], env).stdout).to.match(/imported 2 relations/);

    const notReceived = run(['code', '83010010000000000001'], env);
    expect(notReceived.status).to.equal(1);
    expect(notReceived.stderr).to.match(/^CODE_NOT_IN_LEDGER: /m);

    const doctor = run(['doctor'], env);
    expect(doctor.status).to.equal(0);
    expect(doctor.stdout).to.match(/store migrations\s+OK/);

    const badRows = join(dir, 'bad.csv');
    writeFileSync(badRows, 'HIS药品编码,药品名称,每盒最小单位数,小码前缀\nA2,,0,12\n');
    const refused = run(['import', 'catalog', badRows], env);
    expect(refused.status).to.equal(1);
    expect(refused.stderr)
      .to.match(/^CATALOG_ROWS_INVALID: /m)
      .and.match(/"row":2/);
  });

  it('doctor names a store it cannot reach and says how to fix it', () => {
    const r = run(['doctor'], {
      TRACEGATE_STORE__CLIENT: 'postgres',
      TRACEGATE_STORE__HOST: '127.0.0.1',
      TRACEGATE_STORE__PORT: '1',
      TRACEGATE_STORE__DATABASE: 'x',
    });
    expect(r.status).to.equal(1);
    expect(r.stdout).to.match(/store connection\s+FAIL\s+cannot open the postgres store/);
    expect(r.stdout).to.match(/fix: check store\.\*/);
  });

  it('doctor checks each configured HIS channel and says how to fix the one that fails', () => {
    const dir = tempDir();
    const file = join(dir, 'tracegate.yaml');
    writeFileSync(
      file,
      [
        `store: { client: sqlite, filename: ${JSON.stringify(join(dir, 'ledger.sqlite'))} }`,
        'channels:',
        '  hl7:',
        '    - { name: hl7-main, host: 127.0.0.1, port: 0 }',
        '  hisDb:',
        '    - name: his-pg',
        '      client: pg',
        '      connection: { host: 127.0.0.1, port: 1, user: postgres, database: his }',
        '      eventQuery: "select * from ev where id > :watermark order by id limit :limit"',
      ].join('\n')
    );
    expect(run(['--config', file, 'migrate']).status).to.equal(0);
    const r = run(['--config', file, 'doctor']);
    expect(r.status).to.equal(1);
    expect(r.stdout).to.match(/hl7 channel hl7-main\s+OK/);
    expect(r.stdout).to.match(/HIS database his-pg\s+FAIL/);
    expect(r.stdout).to.match(/fix: check his-pg\.connection/);

    const list = run(['--config', file, 'inbound', 'list', '--state', 'refused']);
    expect(list.status).to.equal(0);
    expect(list.stdout).to.match(/^id\s+channel\s+key/m);
    const everything = run(['--config', file, 'inbound', 'redrive']);
    expect(everything.status).to.equal(1);
    expect(everything.stderr).to.match(/^REDRIVE_FILTER_REQUIRED: /m);
    const unknown = run(['--config', file, 'inbound', 'redrive', 'M-NOPE']);
    expect(unknown.stderr).to.match(/^INBOUND_NOT_FOUND: /m);
  });

  it('a bad configuration exits 1 naming the key, without a stack trace', () => {
    const dir = tempDir();
    const file = join(dir, 'tracegate.yaml');
    writeFileSync(file, 'server:\n  port: 99999\n');
    const r = run(['--config', file, 'doctor']);
    expect(r.status).to.equal(1);
    expect(r.stderr)
      .to.match(/^CONFIG_INVALID: /m)
      .and.match(/server\.port/);
    expect(r.stderr).to.not.match(/\bat .*\.ts:\d+/);
  });
});
