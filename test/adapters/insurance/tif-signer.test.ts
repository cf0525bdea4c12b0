import { expect } from 'chai';
import { createSigner } from '../../../adapters/insurance/request-signer.js';
import { tifHeaders } from '../../../adapters/insurance/tif-signer.js';
import { TracegateError } from '../../../core/errors.js';
import { envelope3505 } from './platform-stub.js';

const options = { scheme: 'tif', paasId: 'hospital-a', paasToken: 'paas-token-for-test' } as const;

describe('TIF signing', () => {
  it('signs hex(SHA256(timestamp + paasToken + nonce + timestamp)) (value from sha256sum)', () => {
    expect(tifHeaders({ ...options, serviceId: 'fsi-3505' }, 1700000000, '0123456789abcdef')).to.deep.equal({
      'x-tif-paasid': 'hospital-a',
      'x-tif-timestamp': '1700000000',
      'x-tif-nonce': '0123456789abcdef',
      'x-tif-signature': 'a4cfa2f4c22e40e322ff290b90c6682562edfda94d815283617fe43056c80cd3',
      'x-tif-serviceid': 'fsi-3505',
    });
  });

  it('leaves the body alone, stamps the clock in unix seconds and never reuses a nonce', () => {
    const signer = createSigner(options, { now: () => new Date('2026-11-22T11:30:00.900Z') });
    const envelope = envelope3505();
    const body = JSON.stringify(envelope);
    const a = signer.sign(envelope, body);
    const b = signer.sign(envelope, body);
    expect(a.body).to.equal(body);
    expect(a.headers['x-tif-timestamp']).to.equal(String(Date.parse('2026-11-22T11:30:00Z') / 1000));
    expect(a.headers['x-tif-nonce']).to.not.equal(b.headers['x-tif-nonce']);
    expect(a.headers).to.not.have.property('x-tif-serviceid');
  });

  it('refuses a missing token or an id that cannot be a header at start', () => {
    const attempt = (o: object) => () => createSigner({ ...options, ...o } as typeof options);
    expect(attempt({ paasToken: '' })).to.throw(TracegateError, /signing.paasToken: required/);
    expect(attempt({ paasId: 'a b' })).to.throw(TracegateError, /signing.paasId/);
    expect(() => createSigner({ scheme: 'rsa' } as never)).to.throw(TracegateError, /unknown scheme rsa/);
  });
});
