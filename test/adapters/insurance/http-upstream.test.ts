import { createDecipheriv, createCipheriv, getCiphers } from 'node:crypto';
import { expect } from 'chai';
import iconv from 'iconv-lite';
import smCrypto from 'sm-crypto';
import { createHttpUpstream } from '../../../adapters/insurance/http-upstream.js';
import { tifSignature } from '../../../adapters/insurance/tif-signer.js';
import type { UpstreamOptions } from '../../../adapters/insurance/upstream-options.js';
import type { InsuranceUpstream, SendResult } from '../../../core/ports/insurance-upstream.js';
import { answerJson, bodyOf, envelope3505, startStub, type PlatformStub } from './platform-stub.js';

const SERVICE_PATH = '/fsi/api/rsfComIfsService/callService';
const OK_3505 = {
  infcode: 0,
  inf_refmsgid: '150902202611221930000000000001',
  output: { result: { retRslt: '1', msgRslt: '成功' } },
};

describe('HTTP insurance upstream (undici) against a stub platform', () => {
  let stub: PlatformStub;
  let upstream: InsuranceUpstream;
  const open = (options: Partial<UpstreamOptions> = {}) => {
    upstream = createHttpUpstream({ baseUrl: stub.url, servicePath: SERVICE_PATH, ...options });
    return upstream;
  };
  beforeEach(async () => {
    stub = await startStub(answerJson(OK_3505));
  });
  afterEach(async () => {
    await upstream?.close();
    await stub.close();
  });

  function failureOf(result: SendResult) {
    expect(result.outcome.kind).to.equal('failure');
    return result.outcome as Extract<SendResult['outcome'], { kind: 'failure' }>;
  }

  describe('send', () => {
    it('posts the envelope as UTF-8 JSON to the service path and parses the reply', async () => {
      const envelope = envelope3505();
      const result = await open({ extraHeaders: { Authorization: 'Bearer platform-token' } }).send(envelope);
      const [received] = stub.requests;
      expect(received?.url).to.equal(SERVICE_PATH);
      expect(received?.headers['content-type']).to.equal('application/json;charset=UTF-8');
      expect(received?.headers.authorization).to.equal('Bearer platform-token');
      expect(received?.body.toString('utf8')).to.equal(result.requestBody);
      expect(bodyOf(received)).to.deep.equal(envelope);
      expect(result.outcome).to.include({ kind: 'reply', status: 200 });
      if (result.outcome.kind === 'reply') {
        expect(result.outcome.json).to.deep.equal(OK_3505);
        expect(result.outcome.raw.toString('utf8')).to.equal(JSON.stringify(OK_3505));
        expect(result.outcome.headers['content-type']).to.equal('application/json;charset=UTF-8');
      }
    });

    it('keeps the baseUrl path prefix', async () => {
      await createHttpUpstream({ baseUrl: `${stub.url}/prov/`, servicePath: SERVICE_PATH }).send(envelope3505());
      expect(stub.requests[0]?.url).to.equal(`/prov${SERVICE_PATH}`);
      open();
    });

    it('reads a GBK reply by its declared charset, and gives json undefined for a page that is no JSON', async () => {
      stub.handle((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json; charset=GBK' });
        res.end(iconv.encode(JSON.stringify({ infcode: -1, err_msg: '参保人信息不存在' }), 'gbk'));
      });
      const gbk = await open().send(envelope3505());
      expect(gbk.outcome.kind === 'reply' && gbk.outcome.json).to.deep.equal({
        infcode: -1,
        err_msg: '参保人信息不存在',
      });
      stub.handle((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>维护中</html>');
      });
      const html = await upstream.send(envelope3505());
      expect(html.outcome).to.include({ kind: 'reply', status: 200, json: undefined });
    });

    it('platform stopped: connection refused is transient', async () => {
      await stub.close();
      const failure = failureOf(await open().send(envelope3505()));
      expect(failure).to.include({ errorClass: 'transient', code: 'UPSTREAM_REFUSED' });
      expect(failure.message).to.match(/^医保平台连接被拒绝/);
      stub = await startStub();
    });

    it('platform never answers: an ambiguous timeout after timeoutMs', async () => {
      stub.handle(() => undefined);
      const started = Date.now();
      const failure = failureOf(await open({ timeoutMs: 200 }).send(envelope3505()));
      expect(failure).to.include({ errorClass: 'ambiguous', code: 'UPSTREAM_TIMEOUT' });
      expect(Date.now() - started).to.be.lessThan(2000);
    });

    it('platform cuts the connection after reading the request: ambiguous', async () => {
      stub.handle((_req, res) => res.socket?.destroy());
      expect(failureOf(await open().send(envelope3505()))).to.include({
        errorClass: 'ambiguous',
        code: 'UPSTREAM_DROPPED',
      });
      stub.handle((_req, res) => res.socket?.resetAndDestroy());
      expect(failureOf(await upstream.send(envelope3505()))).to.include({
        errorClass: 'ambiguous',
        code: 'UPSTREAM_DROPPED',
      });
    });

    it('platform stops in the middle of the body: ambiguous', async () => {
      stub.handle((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
        res.write('{"infcode":0,', () => res.socket?.destroy());
      });
      expect(failureOf(await open().send(envelope3505()))).to.include({
        errorClass: 'ambiguous',
        code: 'UPSTREAM_DROPPED',
      });
    });

    it('503, 429 and 408 are transient; 502, 504 and 500 ambiguous; 4xx is an answer to read', async () => {
      open();
      for (const [status, errorClass] of [
        [503, 'transient'],
        [429, 'transient'],
        [408, 'transient'],
        [502, 'ambiguous'],
        [504, 'ambiguous'],
        [500, 'ambiguous'],
      ] as const) {
        stub.handle(answerJson({ message: 'gateway' }, status));
        expect(failureOf(await upstream.send(envelope3505()))).to.include({
          errorClass,
          code: `UPSTREAM_HTTP_${status}`,
        });
      }
      stub.handle(answerJson({ infcode: -1, err_msg: '无权限' }, 403));
      expect((await upstream.send(envelope3505())).outcome).to.include({ kind: 'reply', status: 403 });
    });

    it('after close, nothing is sent and the failure says so', async () => {
      await open().close();
      expect(failureOf(await upstream.send(envelope3505()))).to.include({
        errorClass: 'transient',
        code: 'UPSTREAM_NOT_SENT',
      });
      expect(stub.requests).to.have.length(0);
    });

    it('TIF headers check out on the gateway side, with a fresh nonce each time', async () => {
      const paasToken = 'paas-token-for-test';
      const verdicts: boolean[] = [];
      stub.handle((req, res) => {
        const ts = String(req.headers['x-tif-timestamp']);
        const nonce = String(req.headers['x-tif-nonce']);
        verdicts.push(
          req.headers['x-tif-paasid'] === 'hospital-a' &&
            req.headers['x-tif-serviceid'] === 'fsi' &&
            Math.abs(Number(ts) - Date.now() / 1000) < 30 &&
            req.headers['x-tif-signature'] === tifSignature(ts, paasToken, nonce)
        );
        answerJson(OK_3505)(req, res);
      });
      open({ signing: { scheme: 'tif', paasId: 'hospital-a', paasToken, serviceId: 'fsi' } });
      await upstream.send(envelope3505());
      await upstream.send(envelope3505());
      expect(verdicts).to.deep.equal([true, true]);
      expect(stub.requests[0]?.headers['x-tif-nonce']).to.not.equal(stub.requests[1]?.headers['x-tif-nonce']);
    });

    it('SM signing end to end: the platform decrypts input, verifies cainfo, and its encrypted output is read', async function () {
      if (!getCiphers().includes('sm4-ecb')) {
        this.skip();
      }
      const { sm2 } = smCrypto;
      const keys = sm2.generateKeyPairHex();
      const sm4Key = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');
      const output = { result: { retRslt: '1', msgRslt: '成功' } };
      let verified = false;
      stub.handle((req, res) => {
        const body = bodyOf(req);
        const decipher = createDecipheriv('sm4-ecb', sm4Key, null);
        const input = Buffer.concat([decipher.update(Buffer.from(body.input, 'base64')), decipher.final()]).toString();
        const signature = Buffer.from(body.cainfo, 'base64').toString('hex');
        verified = body.enc_type === 'SM4' && sm2.doVerifySignature(input, signature, keys.publicKey, { hash: true });
        const cipher = createCipheriv('sm4-ecb', sm4Key, null);
        const encrypted = Buffer.concat([cipher.update(JSON.stringify(output)), cipher.final()]).toString('base64');
        answerJson({ infcode: 0, output: encrypted, enctype: 'SM4' })(req, res);
      });
      open({
        signing: {
          scheme: 'sm',
          privateKey: keys.privateKey,
          publicKey: keys.publicKey,
          encryption: { key: sm4Key.toString('hex') },
        },
      });
      const result = await upstream.send(envelope3505());
      expect(verified).to.equal(true);
      expect(result.outcome.kind === 'reply' && result.outcome.json).to.deep.equal({
        infcode: 0,
        output,
        enctype: 'SM4',
      });
      expect(JSON.parse(result.requestBody).input).to.be.a('string');
    });

    it('an encrypted success that does not decrypt is ambiguous; a refusal stays readable', async () => {
      open({
        signing: {
          scheme: 'sm',
          privateKey: smCrypto.sm2.generateKeyPairHex().privateKey,
          encryption: { key: '0123456789abcdeffedcba9876543210' },
        },
      });
      stub.handle(answerJson({ infcode: 0, output: Buffer.alloc(32, 7).toString('base64') }));
      expect(failureOf(await upstream.send(envelope3505()))).to.include({
        errorClass: 'ambiguous',
        code: 'UPSTREAM_OUTPUT_UNDECRYPTABLE',
      });
      stub.handle(answerJson({ infcode: -1, err_msg: '验签失败', output: 'garbage' }));
      expect((await upstream.send(envelope3505())).outcome).to.include({ kind: 'reply' });
    });
  });

  describe('relay', () => {
    const gbkRequest = iconv.encode(
      '{"infno":"3505","input":{"selinfo":{"medins_list_name":"阿托伐他汀钙片"}}}',
      'gbk'
    );
    const gbkReply = iconv.encode('{"infcode":0,"err_msg":"成功","output":{"result":{"retRslt":"1"}}}', 'gbk');

    it('passes the HIS bytes and headers through, minus hop-by-hop ones, and the platform reply back', async () => {
      stub.handle((_req, res) => {
        res.setHeader('content-type', 'application/json;charset=GBK');
        res.setHeader('x-platform-trace', 'abc');
        res.setHeader('set-cookie', ['waf=1; Path=/', 'lb=2; Path=/']);
        res.write(gbkReply.subarray(0, 10));
        res.end(gbkReply.subarray(10));
      });
      const reply = await open({ extraHeaders: { authorization: 'Bearer only-for-send' } }).relay({
        path: `${SERVICE_PATH}?from=his`,
        headers: {
          host: 'tracegate.hospital.local:8080',
          connection: 'keep-alive, x-his-hop',
          'keep-alive': 'timeout=30',
          'x-his-hop': 'drop me',
          te: 'trailers',
          'proxy-authorization': 'Basic aGlzOmhpcw==',
          'content-type': 'application/json;charset=GBK',
          'content-length': String(gbkRequest.length),
          'x-tif-paasid': 'his-paas',
          'x-tif-timestamp': '1700000000',
          'x-tif-nonce': 'his-nonce',
          'x-tif-signature': 'his-signature',
          'user-agent': 'HIS/1.0',
        },
        body: gbkRequest,
      });
      const [received] = stub.requests;
      expect(received?.url).to.equal(`${SERVICE_PATH}?from=his`);
      expect(received?.body.equals(gbkRequest)).to.equal(true);
      expect(received?.headers).to.include({
        'content-type': 'application/json;charset=GBK',
        'content-length': String(gbkRequest.length),
        'x-tif-paasid': 'his-paas',
        'x-tif-timestamp': '1700000000',
        'x-tif-nonce': 'his-nonce',
        'x-tif-signature': 'his-signature',
        'user-agent': 'HIS/1.0',
        host: new URL(stub.url).host,
      });
      for (const dropped of ['x-his-hop', 'keep-alive', 'te', 'proxy-authorization', 'authorization']) {
        expect(received?.headers).to.not.have.property(dropped);
      }
      expect(reply.kind).to.equal('reply');
      if (reply.kind === 'reply') {
        expect(reply.status).to.equal(200);
        expect(reply.raw.equals(gbkReply)).to.equal(true);
        expect(reply.headers).to.include({ 'content-type': 'application/json;charset=GBK', 'x-platform-trace': 'abc' });
        expect(reply.headers['set-cookie']).to.equal('waf=1; Path=/, lb=2; Path=/');
        for (const dropped of ['connection', 'keep-alive', 'transfer-encoding']) {
          expect(reply.headers).to.not.have.property(dropped);
        }
      }
    });

    it('classifies gateway statuses and transport failures like send; other statuses come back untouched', async () => {
      stub.handle((_req, res) => {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<h1>Bad Gateway</h1>');
      });
      expect(await open().relay({ path: SERVICE_PATH, headers: {}, body: gbkRequest })).to.include({
        kind: 'failure',
        errorClass: 'ambiguous',
        code: 'UPSTREAM_HTTP_502',
      });
      stub.handle(answerJson({ busy: true }, 503));
      expect(await upstream.relay({ path: SERVICE_PATH, headers: {}, body: gbkRequest })).to.include({
        kind: 'failure',
        errorClass: 'transient',
        code: 'UPSTREAM_HTTP_503',
      });
      stub.handle((_req, res) => {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('no such service');
      });
      const notFound = await upstream.relay({ path: SERVICE_PATH, headers: {}, body: gbkRequest });
      expect(notFound).to.include({ kind: 'reply', status: 404 });
      expect(notFound.kind === 'reply' && notFound.raw.toString()).to.equal('no such service');

      stub.handle((_req, res) => res.socket?.destroy());
      expect(await upstream.relay({ path: SERVICE_PATH, headers: {}, body: gbkRequest })).to.include({
        kind: 'failure',
        errorClass: 'ambiguous',
        code: 'UPSTREAM_DROPPED',
      });
      expect(await upstream.relay({ path: 'http://elsewhere/', headers: {}, body: gbkRequest })).to.include({
        kind: 'failure',
        errorClass: 'transient',
        code: 'UPSTREAM_NOT_SENT',
      });
    });

    it('reuses kept-alive connections instead of opening one per request', async () => {
      const sockets = new Set<unknown>();
      stub.handle((req, res) => {
        sockets.add(res.socket);
        answerJson(OK_3505)(req, res);
      });
      open({ connections: 2 });
      for (let i = 0; i < 20; i++) {
        await upstream.relay({ path: SERVICE_PATH, headers: {}, body: gbkRequest });
      }
      // A just-finished connection may still look busy to the pool for a tick, hence "at most connections".
      expect(sockets.size).to.be.within(1, 2);
    });
  });
});
