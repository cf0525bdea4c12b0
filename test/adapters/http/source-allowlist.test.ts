import { expect } from 'chai';
import { sourceAllowlist } from '../../../adapters/http/source-allowlist.js';
import { TracegateError } from '../../../core/errors.js';

describe('the proxy source allowlist', () => {
  const allowed = sourceAllowlist(['127.0.0.1', '10.1.0.0/16', 'fd00::/8']);

  it('takes single addresses and IPv4/IPv6 ranges, and reads IPv4-mapped IPv6 as IPv4', () => {
    expect(allowed('127.0.0.1')).to.equal(true);
    expect(allowed('::ffff:127.0.0.1')).to.equal(true);
    expect(allowed('10.1.200.3')).to.equal(true);
    expect(allowed('::ffff:10.1.200.3')).to.equal(true);
    expect(allowed('fd12::1')).to.equal(true);
    expect(allowed('10.2.0.1')).to.equal(false);
    expect(allowed('127.0.0.2')).to.equal(false);
    expect(allowed('::1')).to.equal(false);
  });

  it('refuses what is no address, and gives the same answer the second time (remembered)', () => {
    expect(allowed(undefined)).to.equal(false);
    expect(allowed('')).to.equal(false);
    expect(allowed('not-an-ip')).to.equal(false);
    expect(allowed('10.2.0.1')).to.equal(false);
    expect(allowed('10.1.0.9')).to.equal(true);
    expect(allowed('10.1.0.9')).to.equal(true);
  });

  it('a configuration entry that is no address or range is an error naming it', () => {
    expect(() => sourceAllowlist(['10.0.0.0/33'])).to.throw(TracegateError, /10\.0\.0\.0\/33/);
    expect(() => sourceAllowlist(['his-server'])).to.throw(TracegateError, /his-server/);
  });
});
