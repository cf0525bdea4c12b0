import { createCipheriv, createDecipheriv, getCiphers } from 'node:crypto';
import { expect } from 'chai';
import smCrypto from 'sm-crypto';
import { createSigner } from '../../../adapters/insurance/request-signer.js';
import { sm4DecryptBase64, sm4EncryptBase64 } from '../../../adapters/insurance/sm-signer.js';
import type { SmSigningOptions } from '../../../adapters/insurance/upstream-options.js';
import { TracegateError } from '../../../core/errors.js';
import { envelope3505 } from './platform-stub.js';

const { sm2, sm3, sm4 } = smCrypto;

// Published SM2 known-answer example on the recommended curve (default ID 1234567812345678, message "message digest").
const KAT_PRIVATE = '3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8';
const KAT_PUBLIC =
  '0409f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020' +
  'ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13';
const KAT_SIGNATURE =
  'f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3' +
  'b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa';
const SM4_KEY = '0123456789abcdeffedcba9876543210';
const HAS_NODE_SM4 = getCiphers().includes('sm4-ecb');

function signer(extra: Partial<SmSigningOptions> = {}) {
  return createSigner({ scheme: 'sm', privateKey: KAT_PRIVATE, ...extra });
}

/** OpenSSL's SM4 (through node:crypto): an implementation independent of sm-crypto. */
function opensslSm4(direction: 'encrypt' | 'decrypt', data: Buffer, key: Buffer, iv: Buffer | null = null): Buffer {
  const cipher =
    direction === 'encrypt'
      ? createCipheriv(iv ? 'sm4-cbc' : 'sm4-ecb', key, iv)
      : createDecipheriv(iv ? 'sm4-cbc' : 'sm4-ecb', key, iv);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

describe('SM signing (sm-crypto)', () => {
  describe('known answers', () => {
    it('SM3("abc") is the GB/T 32905 example digest', () => {
      expect(sm3('abc')).to.equal('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
    });

    it('SM4 encrypts the GB/T 32907 example block', () => {
      const block = [...Buffer.from(SM4_KEY, 'hex')];
      expect(sm4.encrypt(block, SM4_KEY, { padding: 'none' })).to.equal('681edf34d206965e86b3e94f536e4246');
    });

    it('SM4-ECB with PKCS#7 gives the ciphertext sm-crypto documents', () => {
      const cipher = sm4EncryptBase64('hello world! 我是 juneandgreen.', {
        keyHex: SM4_KEY,
        mode: 'ecb',
        ivHex: undefined,
      });
      expect(Buffer.from(cipher, 'base64').toString('hex')).to.equal(
        '0e395deb10f6e8a17e17823e1fd9bd98a1bff1df508b5b8a1efb79ec633d1bb129432ac1b74972dbe97bab04f024e89c'
      );
    });

    it('SM2 verifies the published example signature, and the key pair matches it', () => {
      expect(sm2.getPublicKeyFromPrivateKey(KAT_PRIVATE)).to.equal(KAT_PUBLIC);
      expect(sm2.doVerifySignature('message digest', KAT_SIGNATURE, KAT_PUBLIC, { hash: true })).to.equal(true);
      expect(sm2.doVerifySignature('message digesT', KAT_SIGNATURE, KAT_PUBLIC, { hash: true })).to.equal(false);
    });
  });

  describe('signing an envelope', () => {
    it('puts Base64(r‖s) of SM3withSM2 over the JSON of input into cainfo, verifiable with the public key', () => {
      const envelope = envelope3505();
      const signed = signer().sign(envelope, JSON.stringify(envelope));
      const body = JSON.parse(signed.body);
      expect(body).to.include({ signtype: 'SM2', msgid: envelope.msgid });
      expect(body.input).to.deep.equal(envelope.input);
      expect(body).to.not.have.property('enc_type');
      const signature = Buffer.from(body.cainfo, 'base64');
      expect(signature).to.have.length(64);
      const text = JSON.stringify(envelope.input);
      expect(signed.body).to.include(text);
      expect(sm2.doVerifySignature(text, signature.toString('hex'), KAT_PUBLIC, { hash: true })).to.equal(true);
      expect(sm2.doVerifySignature(`${text} `, signature.toString('hex'), KAT_PUBLIC, { hash: true })).to.equal(false);
    });

    it('uses the configured user id and DER when asked', () => {
      const envelope = envelope3505();
      const text = JSON.stringify(envelope.input);
      const body = JSON.parse(signer({ userId: 'HOSPITAL-CLIENT', signatureEncoding: 'der' }).sign(envelope, '').body);
      const signature = Buffer.from(body.cainfo, 'base64');
      expect(signature[0]).to.equal(0x30);
      const hex = signature.toString('hex');
      expect(
        sm2.doVerifySignature(text, hex, KAT_PUBLIC, { hash: true, der: true, userId: 'HOSPITAL-CLIENT' })
      ).to.equal(true);
      expect(sm2.doVerifySignature(text, hex, KAT_PUBLIC, { hash: true, der: true })).to.equal(false);
    });

    it('encrypts input with SM4 into Base64 with enc_type SM4; OpenSSL decrypts it and the signature covers it', () => {
      const envelope = envelope3505();
      const body = JSON.parse(signer({ encryption: { key: SM4_KEY } }).sign(envelope, '').body);
      expect(body).to.include({ signtype: 'SM2', enc_type: 'SM4' });
      expect(body.input)
        .to.be.a('string')
        .and.match(/^[A-Za-z0-9+/]+=*$/);
      const plain = sm4DecryptBase64(body.input, { keyHex: SM4_KEY, mode: 'ecb', ivHex: undefined });
      expect(JSON.parse(plain)).to.deep.equal(envelope.input);
      const cainfo = Buffer.from(body.cainfo, 'base64').toString('hex');
      expect(sm2.doVerifySignature(plain, cainfo, KAT_PUBLIC, { hash: true })).to.equal(true);
      if (HAS_NODE_SM4) {
        const byOpenssl = opensslSm4('decrypt', Buffer.from(body.input, 'base64'), Buffer.from(SM4_KEY, 'hex'));
        expect(byOpenssl.toString('utf8')).to.equal(plain);
      }
    });

    it('takes the key as text (the Jilin gateway uses the client id) and CBC with an IV, like OpenSSL', function () {
      if (!HAS_NODE_SM4) {
        this.skip();
      }
      const key = 'CLIENT0123456789';
      const iv = 'fedcba9876543210';
      const settings = signer({ encryption: { key, keyEncoding: 'utf8', mode: 'cbc', iv } });
      const envelope = envelope3505();
      const body = JSON.parse(settings.sign(envelope, '').body);
      const expected = opensslSm4(
        'encrypt',
        Buffer.from(JSON.stringify(envelope.input)),
        Buffer.from(key),
        Buffer.from(iv)
      );
      expect(body.input).to.equal(expected.toString('base64'));
    });
  });

  describe('decoding a response', () => {
    const encryption = { key: SM4_KEY };
    const encrypt = (value: unknown) => opensslOrLibrary(JSON.stringify(value));
    function opensslOrLibrary(text: string): string {
      return HAS_NODE_SM4
        ? opensslSm4('encrypt', Buffer.from(text), Buffer.from(SM4_KEY, 'hex')).toString('base64')
        : sm4EncryptBase64(text, { keyHex: SM4_KEY, mode: 'ecb', ivHex: undefined });
    }

    it('decrypts a string output back into JSON and leaves everything else as it is', () => {
      const output = { signinoutb: { sign_no: '150000202611221930000001' } };
      const decoded = signer({ encryption }).decode({ infcode: 0, output: encrypt(output), enctype: 'SM4' });
      expect(decoded).to.deep.equal({ ok: true, json: { infcode: 0, output, enctype: 'SM4' } });
      for (const json of [
        { infcode: -1, err_msg: '失败', output: null },
        { infcode: 0, output: { a: 1 } },
        'text',
        null,
      ]) {
        expect(signer({ encryption }).decode(json)).to.deep.equal({ ok: true, json });
      }
    });

    it('says so when the output does not decrypt with the configured key', () => {
      const json = { infcode: 0, output: encrypt({ a: 1 }) };
      const decoded = signer({ encryption: { key: 'fedcba98765432100123456789abcdef' } }).decode(json);
      expect(decoded.ok).to.equal(false);
      expect(signer({ encryption }).decode({ infcode: 0, output: 'not base64!' }).ok).to.equal(false);
      expect(signer({ encryption: { ...encryption, decryptOutput: false } }).decode(json)).to.deep.equal({
        ok: true,
        json,
      });
      expect(signer().decode(json)).to.deep.equal({ ok: true, json });
    });
  });

  describe('configuration', () => {
    const attempt = (extra: Partial<SmSigningOptions>) => () => signer(extra);
    it('refuses keys of the wrong size, form or range, and a public key of another pair', () => {
      expect(attempt({ privateKey: 'abcd' })).to.throw(TracegateError, /signing.privateKey: must be 256 bits/);
      expect(attempt({ privateKey: 'zz'.repeat(32) })).to.throw(TracegateError, /signing.privateKey: is not hex/);
      expect(attempt({ privateKey: '00'.repeat(32) })).to.throw(TracegateError, /out of range/);
      expect(
        attempt({ privateKey: Buffer.from(KAT_PRIVATE, 'hex').toString('base64'), privateKeyEncoding: 'base64' })
      ).to.not.throw();
      expect(attempt({ publicKey: KAT_PUBLIC })).to.not.throw();
      expect(attempt({ publicKey: sm2.generateKeyPairHex().publicKey })).to.throw(TracegateError, /does not belong/);
      expect(attempt({ encryption: { key: '0123' } })).to.throw(
        TracegateError,
        /signing.encryption.key: must be 128 bits/
      );
      expect(attempt({ encryption: { key: SM4_KEY, mode: 'cbc' } })).to.throw(
        TracegateError,
        /signing.encryption.iv: required/
      );
      expect(attempt({ encryption: { key: SM4_KEY, iv: SM4_KEY } })).to.throw(TracegateError, /ecb takes no iv/);
      expect(attempt({ signatureEncoding: 'pem' as never })).to.throw(TracegateError, /raw or der/);
    });
  });
});
