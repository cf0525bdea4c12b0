/**
 * How tracegate reaches the national insurance platform over HTTP: where, how long it waits, how requests are
 * signed, and whether 9001 sign-in is needed. The YAML configuration maps onto UpstreamOptions; mistakes are
 * refused at start with the key named, never discovered on the first upload.
 */
import type { RequestEnvelope } from '../../core/insurance/envelope.js';
import { invalid, isTracegateError, type TracegateError } from '../../core/errors.js';
import { systemClock, type Clock } from '../../core/ports/clock.js';

/** How key text in the configuration is written. utf8: the key is the text itself (Jilin uses the client id). */
export type KeyEncoding = 'hex' | 'base64' | 'utf8';

export interface NoSigningOptions {
  scheme: 'none';
}

/** TIF front-gateway headers (insurance-interface.md §1.4). */
export interface TifSigningOptions {
  scheme: 'tif';
  paasId: string;
  paasToken: string;
  /** Sent as x-tif-serviceid when set. */
  serviceId?: string;
}

/** SM4 encryption of `input` (and decryption of `output`), PKCS#7 padded, Base64 on the wire. */
export interface SmEncryptionOptions {
  /** 128-bit key. */
  key: string;
  /** Default hex. Also how `iv` is written. */
  keyEncoding?: KeyEncoding;
  /** Default ecb (what the Jilin gateway uses). */
  mode?: 'ecb' | 'cbc';
  /** 128 bits; required for cbc. */
  iv?: string;
  /** Decrypt a string `output` of responses; default true. */
  decryptOutput?: boolean;
}

/** SM3withSM2 signature of the JSON of `input` into cainfo, optionally SM4-encrypted input. */
export interface SmSigningOptions {
  scheme: 'sm';
  /** The 256-bit private key d. */
  privateKey: string;
  /** Default hex. */
  privateKeyEncoding?: 'hex' | 'base64';
  /** Hex (04… uncompressed or 02/03… compressed); when given it must match the private key. */
  publicKey?: string;
  /** SM2 distinguishing identifier; default 1234567812345678 (the GM/T 0009 default). */
  userId?: string;
  /** raw: r‖s, 64 bytes (default, as the Jilin gateway expects) · der: ASN.1 SEQUENCE of r and s. */
  signatureEncoding?: 'raw' | 'der';
  encryption?: SmEncryptionOptions;
}

export type SigningOptions = NoSigningOptions | TifSigningOptions | SmSigningOptions;
export type SigningScheme = SigningOptions['scheme'];

/** 9001 签到: its input is { signIn: { opter_no, mac, ip } }. */
export interface SignInOptions {
  enabled: boolean;
  opterNo?: string;
  mac?: string;
  ip?: string;
}

/** Builds an envelope (msgid, institution and operator fields) around an input; tracegate's buildRequest. */
export type EnvelopeFactory = (request: { infno: string; input: Record<string, unknown> }) => RequestEnvelope;

export interface UpstreamOptions {
  /** Scheme, host and port, optionally a path prefix, e.g. http://10.1.2.3:8090 */
  baseUrl: string;
  /** Where tracegate's own envelopes go, e.g. /fsi/api/rsfComIfsService/callService */
  servicePath: string;
  /** Longest wait for the response headers and between body chunks; default 10000. */
  timeoutMs?: number;
  /** Longest wait for a TCP (and TLS) connection; default 3000. */
  connectTimeoutMs?: number;
  /** Keep-alive connections to the platform; default 16. */
  connections?: number;
  /** Default { scheme: 'none' }. */
  signing?: SigningOptions;
  /** Default disabled. */
  signIn?: SignInOptions;
  /** Added to every envelope tracegate sends (not to relayed HIS requests), e.g. an Authorization header. */
  extraHeaders?: Record<string, string>;
  /** Required when signIn is enabled: builds the 9001 envelope. */
  envelopeFactory?: EnvelopeFactory;
  /** Decides the hospital-local day of a sign-in and TIF timestamps; default the system clock. */
  clock?: Clock;
}

export interface ResolvedSignIn {
  opterNo: string;
  mac: string;
  ip: string;
  envelopeFactory: EnvelopeFactory;
}

export interface ResolvedUpstreamOptions {
  /** scheme://host:port, the key of the connection pool. */
  origin: string;
  /** The baseUrl's path without its trailing slash ('' for none); prefixed to every request path. */
  basePath: string;
  servicePath: string;
  timeoutMs: number;
  connectTimeoutMs: number;
  connections: number;
  signing: SigningOptions;
  signIn: ResolvedSignIn | null;
  extraHeaders: Record<string, string>;
  clock: Clock;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 3_000;
const DEFAULT_CONNECTIONS = 16;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Defaults applied and every option checked; throws UPSTREAM_CONFIG_INVALID naming the key. */
export function resolveUpstreamOptions(options: UpstreamOptions): ResolvedUpstreamOptions {
  const url = parseBaseUrl(options.baseUrl);
  return {
    origin: url.origin,
    basePath: url.pathname.replace(/\/+$/, ''),
    servicePath: requirePath(options.servicePath),
    timeoutMs: positiveInteger('timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS),
    connectTimeoutMs: positiveInteger('connectTimeoutMs', options.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS),
    connections: positiveInteger('connections', options.connections, DEFAULT_CONNECTIONS),
    signing: options.signing ?? { scheme: 'none' },
    signIn: resolveSignIn(options),
    extraHeaders: checkHeaders(options.extraHeaders ?? {}),
    clock: options.clock ?? systemClock,
  };
}

export function configError(key: string, problem: string): TracegateError {
  return invalid('UPSTREAM_CONFIG_INVALID', `insurance upstream: ${key}: ${problem}`, { key });
}

/** A required, non-blank text option. */
export function requireText(key: string, value: string | undefined): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw configError(key, 'required');
  }
  return value;
}

function parseBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(requireText('baseUrl', baseUrl));
  } catch (e) {
    throw isTracegateError(e) ? e : configError('baseUrl', `"${baseUrl}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw configError('baseUrl', `must be http: or https:, not ${url.protocol}`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw configError('baseUrl', 'must not carry a query, fragment or credentials');
  }
  return url;
}

function requirePath(path: string): string {
  if (!requireText('servicePath', path).startsWith('/')) {
    throw configError('servicePath', 'must start with /');
  }
  return path;
}

function positiveInteger(key: string, value: number | undefined, fallback: number): number {
  if (value === undefined) {
    return fallback;
  }
  if (!Number.isInteger(value) || value <= 0) {
    throw configError(key, `must be a positive integer, not ${String(value)}`);
  }
  return value;
}

function resolveSignIn(options: UpstreamOptions): ResolvedSignIn | null {
  const signIn = options.signIn;
  if (!signIn?.enabled) {
    return null;
  }
  if (!options.envelopeFactory) {
    throw configError('envelopeFactory', 'required when signIn is enabled');
  }
  return {
    opterNo: requireText('signIn.opterNo', signIn.opterNo),
    mac: requireText('signIn.mac', signIn.mac),
    ip: requireText('signIn.ip', signIn.ip),
    envelopeFactory: options.envelopeFactory,
  };
}

function checkHeaders(headers: Record<string, string>): Record<string, string> {
  const checked: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name) || typeof value !== 'string' || !HEADER_VALUE.test(value)) {
      throw configError(`extraHeaders.${name}`, 'not a valid HTTP header name and value');
    }
    checked[name.toLowerCase()] = value;
  }
  return checked;
}
