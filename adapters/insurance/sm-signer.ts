/**
 * The national-cipher scheme some provinces require (insurance-interface.md §1.1; the Jilin gateway):
 * cainfo = Base64(SM3withSM2 signature of the JSON of `input`), signtype "SM2"; with encryption, `input` becomes
 * Base64(SM4(JSON of input)) and enc_type "SM4", and a string `output` in responses is decrypted the same way.
 * The cryptography is sm-crypto's; this file only chooses its parameters and encodings.
 */
import smCrypto from 'sm-crypto';
import type { RequestEnvelope } from '../../core/insurance/envelope.js';
import { keyBytes } from './key-text.js';
import type { DecodeResult, Signing } from './request-signer.js';
import { configError, type SmEncryptionOptions, type SmSigningOptions } from './upstream-options.js';

const { sm2, sm4 } = smCrypto;

/** GM/T 0009's default distinguishing identifier, also BouncyCastle's when none is set. */
export const DEFAULT_SM2_USER_ID = '1234567812345678';
/** Order of the SM2 curve's base point: a private key d must satisfy 1 ≤ d ≤ n − 2. */
const SM2_N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
const BASE64_TEXT = /^[A-Za-z0-9+/]+={0,2}$/;
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

export interface Sm4Settings {
  keyHex: string;
  mode: 'ecb' | 'cbc';
  ivHex: string | undefined;
  decryptOutput: boolean;
}

export function createSmSigner(options: SmSigningOptions): Signing {
  const privateKey = privateKeyHex(options);
  const publicKey = publicKeyOf(privateKey, options.publicKey);
  const userId = options.userId ?? DEFAULT_SM2_USER_ID;
  const der = signatureEncoding(options.signatureEncoding) === 'der';
  const sm4Settings = options.encryption ? resolveSm4(options.encryption) : null;

  const signInput = (inputJson: string): string =>
    Buffer.from(sm2.doSignature(inputJson, privateKey, { hash: true, der, publicKey, userId }), 'hex').toString(
      'base64'
    );

  return {
    scheme: 'sm',
    sign: (envelope) => ({ body: signedBody(envelope, signInput, sm4Settings), headers: NO_HEADERS }),
    decode: (json) => (sm4Settings?.decryptOutput ? decryptOutput(json, sm4Settings) : { ok: true, json }),
  };
}

/** SM4 with PKCS#7 padding, as Base64. Exported for tests and for whoever must read tracegate's own requests. */
export function sm4EncryptBase64(plain: string, settings: Pick<Sm4Settings, 'keyHex' | 'mode' | 'ivHex'>): string {
  const bytes = sm4.encrypt(plain, settings.keyHex, { ...sm4Mode(settings), padding: 'pkcs#7', output: 'array' });
  return Buffer.from(bytes).toString('base64');
}

export function sm4DecryptBase64(cipher: string, settings: Pick<Sm4Settings, 'keyHex' | 'mode' | 'ivHex'>): string {
  const text = cipher.replace(/\s+/g, '');
  const bytes = Buffer.from(text, 'base64');
  if (!BASE64_TEXT.test(text) || text.length % 4 !== 0 || bytes.length === 0 || bytes.length % 16 !== 0) {
    throw new Error('不是 SM4 密文的 Base64（长度须为 16 字节的整数倍）');
  }
  const plain = sm4.decrypt(bytes.toString('hex'), settings.keyHex, {
    ...sm4Mode(settings),
    padding: 'pkcs#7',
    output: 'array',
  });
  return Buffer.from(plain).toString('utf8');
}

/**
 * The signed text is JSON.stringify(input), which is also exactly how `input` appears inside the unencrypted
 * body, so the platform can check the signature against the text it received.
 */
function signedBody(
  envelope: RequestEnvelope,
  signInput: (inputJson: string) => string,
  sm4Settings: Sm4Settings | null
): string {
  const inputJson = JSON.stringify(envelope.input);
  const cainfo = signInput(inputJson);
  if (!sm4Settings) {
    return JSON.stringify({ ...envelope, cainfo, signtype: 'SM2' });
  }
  const input = sm4EncryptBase64(inputJson, sm4Settings);
  return JSON.stringify({ ...envelope, cainfo, signtype: 'SM2', input, enc_type: 'SM4' });
}

function decryptOutput(json: unknown, settings: Sm4Settings): DecodeResult {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: true, json };
  }
  const response = json as Record<string, unknown>;
  // Only a non-empty string is encrypted; null (failures) and objects (unencrypting gateways) are read as they are.
  if (typeof response.output !== 'string' || response.output === '') {
    return { ok: true, json };
  }
  try {
    // Decrypting with a wrong key yields bytes that are not JSON, so JSON.parse also checks the key.
    const output: unknown = JSON.parse(sm4DecryptBase64(response.output, settings));
    return { ok: true, json: { ...response, output } };
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { ok: false, reason: `医保平台返回的 output 无法用 SM4 解密（${why}）：检查 SM4 密钥、模式与 IV` };
  }
}

function privateKeyHex(options: SmSigningOptions): string {
  const encoding = options.privateKeyEncoding ?? 'hex';
  if (encoding !== 'hex' && encoding !== 'base64') {
    throw configError('signing.privateKeyEncoding', `must be hex or base64, not ${String(encoding)}`);
  }
  const hex = keyBytes('signing.privateKey', options.privateKey, encoding, 32).toString('hex');
  const d = BigInt(`0x${hex}`);
  if (d < 1n || d > SM2_N - 2n) {
    throw configError('signing.privateKey', 'is not an SM2 private key (out of range)');
  }
  return hex;
}

function publicKeyOf(privateKey: string, configured: string | undefined): string {
  const derived = sm2.getPublicKeyFromPrivateKey(privateKey);
  if (configured !== undefined && configured.trim() !== '') {
    const given = configured.trim().toLowerCase();
    if (!sm2.verifyPublicKey(given)) {
      throw configError('signing.publicKey', 'is not an SM2 public key in hex');
    }
    if (!sm2.comparePublicKeyHex(derived, given)) {
      throw configError('signing.publicKey', 'does not belong to signing.privateKey');
    }
  }
  return derived;
}

function signatureEncoding(value: string | undefined): 'raw' | 'der' {
  if (value === undefined || value === 'raw' || value === 'der') {
    return value ?? 'raw';
  }
  throw configError('signing.signatureEncoding', `must be raw or der, not ${value}`);
}

function resolveSm4(options: SmEncryptionOptions): Sm4Settings {
  const encoding = options.keyEncoding ?? 'hex';
  const mode = options.mode ?? 'ecb';
  if (mode !== 'ecb' && mode !== 'cbc') {
    throw configError('signing.encryption.mode', `must be ecb or cbc, not ${String(mode)}`);
  }
  if (mode === 'ecb' && options.iv) {
    throw configError('signing.encryption.iv', 'ecb takes no iv (did you mean mode: cbc?)');
  }
  return {
    keyHex: keyBytes('signing.encryption.key', options.key, encoding, 16).toString('hex'),
    mode,
    ivHex: mode === 'cbc' ? keyBytes('signing.encryption.iv', options.iv, encoding, 16).toString('hex') : undefined,
    decryptOutput: options.decryptOutput ?? true,
  };
}

function sm4Mode(settings: Pick<Sm4Settings, 'mode' | 'ivHex'>): { mode?: 'cbc'; iv?: string } {
  return settings.mode === 'cbc' ? { mode: 'cbc', iv: settings.ivHex } : {};
}
