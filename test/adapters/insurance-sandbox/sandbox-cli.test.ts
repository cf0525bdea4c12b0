import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';
import { call, envelope, sale } from './sandbox-test-kit.js';

const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const entry = join(process.cwd(), 'test', 'adapters', 'insurance-sandbox', 'sandbox-cli-entry.ts');

describe('tracegate sandbox (CLI, real process)', function () {
  this.timeout(60_000);

  it('starts with the given options, prints both URLs, answers, and exits 0 on SIGTERM', async () => {
    const child = spawn(tsx, [
      entry,
      'sandbox',
      '--port',
      '0',
      '--require-sign-in',
      '--duplicate-bchno',
      'accept',
      '--latency-ms',
      '1',
      '--error-rate',
      '0',
      '--timeout-rate',
      '0',
      '--drop-rate',
      '0',
      '--seed',
      '5',
    ]);
    let out = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const [url, adminUrl] = await new Promise<[string, string]>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const platform = /listening on (http:\/\/\S+)/.exec(out)?.[1];
          const admin = /admin on (http:\/\/\S+?)\/sandbox\/stats/.exec(out)?.[1];
          if (platform && admin) {
            resolve([platform, admin]);
          }
        });
        void exited.then((code) => reject(new Error(`sandbox exited with ${code}: ${out}`)));
      });
      const sandbox = { serviceUrl: `${url}/fsi/api/rsfComIfsService/callService` } as any;
      const signIn = await call(sandbox, envelope('9001', {}));
      const signNo = signIn.output.signinoutb.sign_no as string;
      expect((await call(sandbox, envelope('3505', { selinfo: sale('CLI-1') }))).infcode, 'sign-in required').to.equal(
        -1
      );
      for (let i = 0; i < 2; i++) {
        const res = await call(sandbox, envelope('3505', { selinfo: sale('CLI-1') }, { sign_no: signNo }));
        expect(res.output.result.retRslt, 'duplicates accepted').to.equal('1');
      }
      const stats = (await (await fetch(`${adminUrl}/sandbox/stats`)).json()) as any;
      expect(stats.rows.recorded).to.equal(2);
      expect(stats.faults.latency).to.equal(4);
      const faults = (await (await fetch(`${adminUrl}/sandbox/faults`)).json()) as any;
      expect(faults).to.include({ latencyMs: 1, errorRate: 0, holdMs: 30000, down: false });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).to.equal(0);
  });

  it('refuses a bad option with CODE: message and exit 1', () => {
    const r = spawnSync(tsx, [entry, 'sandbox', '--port', '0', '--error-rate', '1.5'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(/^OPTION_INVALID: --error-rate must be a fraction from 0 to 1/m);
  });
});
