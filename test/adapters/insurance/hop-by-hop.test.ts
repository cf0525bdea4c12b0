import { expect } from 'chai';
import { relayRequestHeaders, relayResponseHeaders } from '../../../adapters/insurance/hop-by-hop.js';

describe('relay header filtering', () => {
  it('drops hop-by-hop request headers, host and what undici recomputes; keeps x-tif-* and the rest', () => {
    const out = relayRequestHeaders({
      host: 'tracegate:8080',
      connection: 'keep-alive, X-Hop',
      'keep-alive': 'timeout=5',
      'transfer-encoding': 'chunked',
      te: 'trailers',
      trailer: 'x-sum',
      upgrade: 'h2c',
      'proxy-authorization': 'Basic eDp5',
      'proxy-connection': 'keep-alive',
      'x-hop': 'named by Connection',
      'content-length': '12',
      expect: '100-continue',
      'content-type': 'application/json;charset=GBK',
      'x-tif-paasid': 'hospital',
      'x-tif-signature': 'abc',
      authorization: 'Bearer t',
      'x-multi': ['a', 'b'],
      'x-absent': undefined,
    });
    expect(out).to.deep.equal({
      'content-type': 'application/json;charset=GBK',
      'x-tif-paasid': 'hospital',
      'x-tif-signature': 'abc',
      authorization: 'Bearer t',
      'x-multi': ['a', 'b'],
    });
  });

  it('drops hop-by-hop response headers, keeps content-length, joins repeated ones', () => {
    const out = relayResponseHeaders({
      connection: 'keep-alive',
      'keep-alive': 'timeout=5',
      'transfer-encoding': 'chunked',
      'content-length': '42',
      'content-type': 'application/json',
      'set-cookie': ['a=1', 'b=2'],
    });
    expect(out).to.deep.equal({
      'content-length': '42',
      'content-type': 'application/json',
      'set-cookie': 'a=1, b=2',
    });
  });
});
