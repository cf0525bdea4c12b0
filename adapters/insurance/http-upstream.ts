/**
 * InsuranceUpstream over HTTP with undici: one keep-alive pool to the platform's origin, shared by tracegate's own
 * envelopes (send: sign-in, signing, JSON) and the HIS's relayed requests (relay: bytes in, bytes out).
 * Transport problems come back as classified failures, never as exceptions.
 */
import { Pool } from 'undici';
import type { RequestEnvelope } from '../../core/insurance/envelope.js';
import type {
  InsuranceUpstream,
  SendResult,
  TransportFailure,
  UpstreamReply,
} from '../../core/ports/insurance-upstream.js';
import { relayRequestHeaders, relayResponseHeaders, type HeaderMap } from './hop-by-hop.js';
import { parseReplyJson, readBody } from './reply-body.js';
import { createSigner, type Signing } from './request-signer.js';
import { infcodeOf, SIGN_IN_INFNO, SignInSession } from './sign-in-session.js';
import { classifyError, classifyStatus } from './transport-errors.js';
import { resolveUpstreamOptions, type UpstreamOptions } from './upstream-options.js';

/** What came back before any interpretation. */
interface RawReply {
  kind: 'raw';
  status: number;
  headers: HeaderMap;
  raw: Buffer;
}

type SendOutcome = SendResult['outcome'];

const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8';

/** Throws UPSTREAM_CONFIG_INVALID for a configuration mistake; nothing else is checked later. */
export function createHttpUpstream(options: UpstreamOptions): InsuranceUpstream {
  const settings = resolveUpstreamOptions(options);
  const signing = createSigner(settings.signing, settings.clock);
  const pool = new Pool(settings.origin, {
    connections: settings.connections,
    connect: { timeout: settings.connectTimeoutMs },
    headersTimeout: settings.timeoutMs,
    bodyTimeout: settings.timeoutMs,
  });
  const servicePath = settings.basePath + settings.servicePath;
  const baseHeaders: Record<string, string> = { 'content-type': JSON_CONTENT_TYPE, ...settings.extraHeaders };

  const exchange = async (envelope: RequestEnvelope): Promise<SendResult> => {
    const signed = signing.sign(envelope, JSON.stringify(envelope));
    const headers = Object.keys(signed.headers).length === 0 ? baseHeaders : { ...baseHeaders, ...signed.headers };
    const reply = await post(pool, servicePath, headers, signed.body);
    return { requestBody: signed.body, outcome: reply.kind === 'raw' ? interpret(reply, signing) : reply };
  };
  const session = settings.signIn ? new SignInSession(settings.signIn, exchange, settings.clock) : null;
  let closing: Promise<void> | null = null;

  return {
    async send(envelope) {
      if (session === null || envelope.infno === SIGN_IN_INFNO) {
        return exchange(envelope);
      }
      const signIn = await session.signNo();
      if (!signIn.ok) {
        // Nothing went out for this envelope.
        return { requestBody: '', outcome: signIn.failure };
      }
      const result = await exchange({ ...envelope, sign_no: signIn.signNo });
      if (result.outcome.kind === 'reply') {
        session.noteReply(signIn.signNo, result.outcome.json);
      }
      return result;
    },
    relay: (request) => relay(pool, settings.basePath, request),
    close() {
      closing ??= pool.close();
      return closing;
    },
  };
}

/** The HIS's bytes and headers out, the platform's status, headers and bytes back; no JSON work on this path. */
async function relay(
  pool: Pool,
  basePath: string,
  request: { path: string; headers: HeaderMap; body: Buffer }
): Promise<UpstreamReply | TransportFailure> {
  if (request.path.charCodeAt(0) !== 0x2f) {
    return {
      kind: 'failure',
      errorClass: 'transient',
      code: 'UPSTREAM_NOT_SENT',
      message: `转发路径「${request.path.slice(0, 100)}」不以 / 开头，未发往医保平台`,
    };
  }
  const path = basePath === '' ? request.path : basePath + request.path;
  const reply = await post(pool, path, relayRequestHeaders(request.headers), request.body);
  if (reply.kind === 'failure') {
    return reply;
  }
  // A gateway's 5xx/429/408 is no platform answer: the caller learns whether the request may have got through.
  return (
    classifyStatus(reply.status) ?? {
      kind: 'reply',
      status: reply.status,
      headers: relayResponseHeaders(reply.headers),
      raw: reply.raw,
    }
  );
}

async function post(
  pool: Pool,
  path: string,
  headers: Record<string, string | string[]>,
  body: string | Buffer
): Promise<RawReply | TransportFailure> {
  try {
    const response = await pool.request({ method: 'POST', path, headers, body });
    const raw = await readBody(response.body);
    return { kind: 'raw', status: response.statusCode, headers: response.headers, raw };
  } catch (e) {
    return classifyError(e);
  }
}

/** HTTP statuses that are no answer become failures; an answer is parsed and its output decrypted when needed. */
function interpret(reply: RawReply, signing: Signing): SendOutcome {
  const failure = classifyStatus(reply.status);
  if (failure) {
    return failure;
  }
  const contentType = reply.headers['content-type'];
  const json = parseReplyJson(reply.raw, typeof contentType === 'string' ? contentType : undefined);
  const decoded = signing.decode(json);
  const headers = relayResponseHeaders(reply.headers);
  if (decoded.ok) {
    return { kind: 'reply', status: reply.status, headers, raw: reply.raw, json: decoded.json };
  }
  // A refusal is still readable from infcode/err_msg; a success whose output cannot be read has an unknown result.
  if (infcodeOf((json as Record<string, unknown>).infcode) !== 0) {
    return { kind: 'reply', status: reply.status, headers, raw: reply.raw, json };
  }
  return { kind: 'failure', errorClass: 'ambiguous', code: 'UPSTREAM_OUTPUT_UNDECRYPTABLE', message: decoded.reason };
}
