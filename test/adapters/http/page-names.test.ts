import { readFileSync, readdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect } from 'chai';
import express from 'express';
import { anomalyStatusName, anomalyTypeName, riskName } from '../../../core/anomalies/anomaly.js';
import { packLevelName } from '../../../core/catalog/drug.js';
import { TRANSACTIONS } from '../../../core/insurance/transactions.js';
import { uploadSourceName, uploadStateName } from '../../../core/insurance/upload.js';
import { packStateName } from '../../../core/ledger/pack.js';
import { pageNames } from '../../../adapters/http/page-names.js';
import { pageRoutes, pagesDirectory } from '../../../adapters/http/routes/page-routes.js';

describe('/ui/js/names.js: the pages’ Chinese names, made from the core’s', () => {
  let server: Server;
  let url: string;

  before(async () => {
    server = express().use(pageRoutes()).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.close();
  });

  async function servedModule(): Promise<Record<string, unknown>> {
    const res = await fetch(`${url}/ui/js/names.js`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/javascript/);
    expect(res.headers.get('content-security-policy')).to.contain("script-src 'self'");
    return import(`data:text/javascript;charset=utf-8,${encodeURIComponent(await res.text())}`);
  }

  it('is an ES module whose maps are the core’s own, under the names the pages import', async () => {
    const names = await servedModule();
    expect(names.uploadStateName).to.deep.equal(uploadStateName);
    expect(names.uploadSourceName).to.deep.equal(uploadSourceName);
    expect(names.packStateName).to.deep.equal(packStateName);
    expect(names.packLevelName).to.deep.equal(packLevelName);
    expect(names.anomalyTypeName).to.deep.equal(anomalyTypeName);
    expect(names.anomalyRiskName).to.deep.equal(riskName);
    expect(names.anomalyStatusName).to.deep.equal(anomalyStatusName);
    for (const t of Object.values(TRANSACTIONS)) {
      expect((names.infnoName as Record<string, string>)[t.infno], t.infno).to.equal(t.name);
    }
    expect(names).to.have.all.keys(Object.keys(pageNames));
    for (const [name, map] of Object.entries(pageNames)) {
      expect(names[name], name).to.deep.equal(map);
    }
  });

  it('exports every name a page imports from it', async () => {
    const names = await servedModule();
    const dir = join(pagesDirectory()!, 'js');
    const imported = readdirSync(dir)
      .filter((f) => f.endsWith('.js'))
      .flatMap((f) =>
        [...readFileSync(join(dir, f), 'utf8').matchAll(/import \{([^}]*)\} from '\.\/names\.js'/g)].flatMap((m) =>
          m[1]!.split(',').map((n) => n.trim())
        )
      )
      .filter((n) => n !== '');
    expect(imported).to.have.length.greaterThan(0);
    for (const name of imported) {
      expect(names, name).to.have.property(name);
    }
  });
});
