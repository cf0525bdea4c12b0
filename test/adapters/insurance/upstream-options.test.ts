import { expect } from 'chai';
import { resolveUpstreamOptions, type UpstreamOptions } from '../../../adapters/insurance/upstream-options.js';
import { TracegateError } from '../../../core/errors.js';
import { envelopeFactory } from './platform-stub.js';

const base: UpstreamOptions = {
  baseUrl: 'http://127.0.0.1:8090',
  servicePath: '/fsi/api/rsfComIfsService/callService',
};

describe('insurance upstream options', () => {
  it('fills the defaults', () => {
    expect(resolveUpstreamOptions(base)).to.include({
      origin: 'http://127.0.0.1:8090',
      basePath: '',
      timeoutMs: 10000,
      connectTimeoutMs: 3000,
      connections: 16,
      signIn: null,
    });
    expect(resolveUpstreamOptions(base).signing).to.deep.equal({ scheme: 'none' });
    expect(resolveUpstreamOptions({ ...base, baseUrl: 'https://yb.example:443/prov/api/' })).to.include({
      origin: 'https://yb.example',
      basePath: '/prov/api',
    });
  });

  it('names the key of each mistake', () => {
    const cases: [Partial<UpstreamOptions>, RegExp][] = [
      [{ baseUrl: '' }, /baseUrl: required/],
      [{ baseUrl: '127.0.0.1:8090' }, /baseUrl/],
      [{ baseUrl: 'ftp://127.0.0.1' }, /baseUrl: must be http: or https:/],
      [{ baseUrl: 'http://127.0.0.1:8090/?x=1' }, /baseUrl: must not carry a query/],
      [{ servicePath: 'fsi/api' }, /servicePath: must start with \//],
      [{ timeoutMs: 0 }, /timeoutMs: must be a positive integer/],
      [{ connections: 1.5 }, /connections: must be a positive integer/],
      [{ signIn: { enabled: true, opterNo: 'SYS01', mac: 'm', ip: 'i' } }, /envelopeFactory: required/],
      [{ signIn: { enabled: true, mac: 'm', ip: 'i' }, envelopeFactory }, /signIn.opterNo: required/],
      [{ extraHeaders: { 'bad header': 'x' } }, /extraHeaders.bad header/],
      [{ extraHeaders: { 'x-a': 'line\r\nbreak' } }, /extraHeaders.x-a/],
    ];
    for (const [change, message] of cases) {
      const attempt = () => resolveUpstreamOptions({ ...base, ...change });
      expect(attempt, String(message)).to.throw(TracegateError, message);
    }
  });

  it('leaves sign-in off unless enabled', () => {
    expect(resolveUpstreamOptions({ ...base, signIn: { enabled: false } }).signIn).to.equal(null);
  });
});
