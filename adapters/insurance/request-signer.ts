/**
 * How an envelope tracegate sends is signed (and encrypted), and how a response is decoded, one pair per scheme
 * the provincial gateways use. Relayed HIS requests are never signed here: the HIS signs its own.
 */
import type { RequestEnvelope } from '../../core/insurance/envelope.js';
import { systemClock, type Clock } from '../../core/ports/clock.js';
import { createSmSigner } from './sm-signer.js';
import { createTifSigner } from './tif-signer.js';
import { configError, type SigningOptions, type SigningScheme } from './upstream-options.js';

export interface SignedRequest {
  /** What goes on the wire. */
  body: string;
  /** Added to the request's headers. */
  headers: Readonly<Record<string, string>>;
}

export interface RequestSigner {
  /** body: JSON.stringify(envelope); schemes that change the envelope build their own. */
  sign(envelope: RequestEnvelope, body: string): SignedRequest;
}

/** ok: the response JSON as the caller should read it · not ok: it could not be decoded (reason in Chinese). */
export type DecodeResult = { ok: true; json: unknown } | { ok: false; reason: string };

export interface ResponseDecoder {
  decode(json: unknown): DecodeResult;
}

export interface Signing extends RequestSigner, ResponseDecoder {
  readonly scheme: SigningScheme;
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

export const noSigning: Signing = {
  scheme: 'none',
  sign: (_envelope, body) => ({ body, headers: NO_HEADERS }),
  decode: (json) => ({ ok: true, json }),
};

/** Checks the scheme's options now (throws UPSTREAM_CONFIG_INVALID) so a bad key fails at start. */
export function createSigner(options: SigningOptions, clock: Clock = systemClock): Signing {
  switch (options.scheme) {
    case 'none':
      return noSigning;
    case 'tif':
      return createTifSigner(options, clock);
    case 'sm':
      return createSmSigner(options);
    default:
      return unknownScheme(options);
  }
}

/** The YAML can hold any text; the type system only knows the three schemes. */
function unknownScheme(options: never): never {
  const scheme = (options as { scheme?: unknown }).scheme;
  throw configError('signing.scheme', `unknown scheme ${String(scheme)} (none, tif or sm)`);
}
