/**
 * POST /fhir/MedicationDispense: the HIS pushes one dispense or return. The bytes are kept as received and stored
 * before anything is decided; the answer is FHIR's (201 with the stored resource, 422/400 with an OperationOutcome)
 * and is stored with the message, so a resend under the same key gets the same bytes and nothing is decided twice.
 * Every failure is an OperationOutcome (503 when the message could not be stored: resend it), never a bare 500.
 */
import express, { Router } from 'express';
import type { Request, RequestHandler, Response } from 'express';
import type { InboundChannel } from '../../core/channels/inbound-channel.js';
import type { InboundMessage } from '../../core/channels/inbound-message.js';
import type { InboundService } from '../../core/channels/inbound-service.js';
import { isTracegateError } from '../../core/errors.js';
import type { ChannelLog } from '../../core/ports/channel-runtime.js';
import { httpStatusOf, STORED_VERSION } from './fhir-reply.js';
import { postSourceKey } from './fhir-source-key.js';
import { operationOutcome, type Issue } from './operation-outcome.js';

export interface FhirRouteOptions {
  /** The registered inbound channel the POSTed resources are stored under. */
  channel: InboundChannel;
  bodyLimitKb: number;
  log: ChannelLog;
}

const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const ACCEPTED_TYPES = ['application/fhir+json', 'application/json'];
const RETRY_AFTER_SECONDS = '5';
const RESOURCE_PATH = '/fhir/MedicationDispense';

export function fhirRoutes(inbound: InboundService, options: FhirRouteOptions): Router {
  const r = Router();
  // Any declared type reaches the parser: the type is checked first, to answer 415 in FHIR's words.
  const raw = express.raw({ type: () => true, limit: options.bodyLimitKb * 1024 });
  r.post(
    RESOURCE_PATH,
    guarded(options.log, (req, res) => post(inbound, options, raw, req, res))
  );
  r.get(
    [`${RESOURCE_PATH}/:id`, `${RESOURCE_PATH}/:id/_history/:version`],
    guarded(options.log, (req, res) => read(inbound, options.channel, req, res))
  );
  return r;
}

async function post(
  inbound: InboundService,
  options: FhirRouteOptions,
  raw: RequestHandler,
  req: Request,
  res: Response
): Promise<void> {
  if (!req.is(ACCEPTED_TYPES)) {
    sendOutcome(res, 415, {
      type: 'not-supported',
      code: 'FHIR_CONTENT_TYPE',
      message: `Content-Type 应为 application/fhir+json 或 application/json（收到 ${req.get('content-type') ?? '无'}）`,
    });
    return;
  }
  const body = await readBody(raw, req, res);
  if (!Buffer.isBuffer(body)) {
    sendOutcome(res, body.status, body.issue);
    return;
  }
  const key = postSourceKey(body, req.get('if-none-exist'));
  const { message, replayed } = await inbound.receive(options.channel.name, key, body);
  sendMessage(res, req, message, httpStatusOf(message.state, replayed), options.channel);
}

/** GET of a stored (accepted) resource: what Location points at. */
async function read(inbound: InboundService, channel: InboundChannel, req: Request, res: Response): Promise<void> {
  const id = String(req.params.id);
  const version = req.params.version;
  const message = await inbound.get(id).catch((e: unknown) => {
    if (isTracegateError(e) && e.kind === 'not_found') {
      return null;
    }
    throw e;
  });
  if (
    !message ||
    message.channel !== channel.name ||
    message.state !== 'accepted' ||
    (version && version !== STORED_VERSION)
  ) {
    sendOutcome(res, 404, {
      type: 'not-found',
      code: 'FHIR_RESOURCE_NOT_FOUND',
      message: `没有已接受的发药记录 ${id}`,
    });
    return;
  }
  sendMessage(res, req, message, 200, channel);
}

function sendMessage(res: Response, req: Request, message: InboundMessage, status: number, channel: InboundChannel) {
  const reply = message.reply ?? channel.replyOf(message);
  if (reply === null) {
    sendOutcome(res, 503, undecided(message));
    return;
  }
  if (message.state === 'accepted') {
    res.setHeader('Location', locationOf(req, message.id));
    res.setHeader('ETag', `W/"${STORED_VERSION}"`);
  }
  res.status(status).setHeader('Content-Type', FHIR_JSON);
  res.end(reply);
}

function undecided(message: InboundMessage): Issue {
  return {
    type: 'transient',
    code: 'FHIR_MESSAGE_UNDECIDED',
    message: `消息 ${message.id} 已保存但尚未处理完，请稍后用同一 identifier 重发`,
  };
}

/** [base]/MedicationDispense/[id]/_history/[vid], as FHIR's create answers. */
function locationOf(req: Request, id: string): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}${RESOURCE_PATH}/${encodeURIComponent(id)}/_history/${STORED_VERSION}`;
}

function sendOutcome(res: Response, status: number, issue: Issue): void {
  if (status === 503) {
    res.setHeader('Retry-After', RETRY_AFTER_SECONDS);
  }
  res.status(status).setHeader('Content-Type', FHIR_JSON);
  res.end(JSON.stringify(operationOutcome(issue)));
}

type BodyProblem = { status: number; issue: Issue };

function readBody(raw: RequestHandler, req: Request, res: Response): Promise<Buffer | BodyProblem> {
  return new Promise((resolve, reject) => {
    void raw(req, res, (err?: unknown) => {
      if (!err && req.body !== undefined && !Buffer.isBuffer(req.body)) {
        // A JSON parser ran first: the bytes as sent are gone, and storing a re-serialised copy would be a lie.
        reject(new Error('the FHIR routes must be mounted before any body parser (raw bytes unavailable)'));
        return;
      }
      if (!err) {
        resolve(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
        return;
      }
      const problem = bodyProblem(err);
      if (problem) {
        resolve(problem);
      } else {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });
}

/** The body parser's own failures are the sender's: too large, not inflatable, cut short. */
function bodyProblem(err: unknown): BodyProblem | null {
  const type = typeof err === 'object' && err !== null && 'type' in err ? String(err.type) : '';
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  if (type === 'entity.too.large') {
    return {
      status: 413,
      issue: { type: 'too-long', code: 'FHIR_BODY_TOO_LARGE', message: '消息体超过 fhir.post.bodyLimitKb 的限制' },
    };
  }
  if (type === 'encoding.unsupported') {
    return {
      status: 415,
      issue: {
        type: 'not-supported',
        code: 'FHIR_BODY_ENCODING',
        message: '不支持的 Content-Encoding（请用 gzip、deflate 或不压缩）',
      },
    };
  }
  if (type === 'request.aborted' || type === 'request.size.invalid' || code.startsWith('Z_')) {
    return {
      status: 400,
      issue: { type: 'structure', code: 'FHIR_BODY_INCOMPLETE', message: '消息体不完整或无法解压' },
    };
  }
  return null;
}

/** Whatever fails past the parser (the store first of all) is answered 503: the sender keeps the message and resends. */
function guarded(log: ChannelLog, handle: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return async (req, res) => {
    try {
      await handle(req, res);
    } catch (e) {
      log.error('FHIR request failed', {
        method: req.method,
        path: req.path,
        error: e instanceof Error ? e.stack : String(e),
      });
      if (!res.headersSent) {
        sendOutcome(res, 503, {
          type: 'transient',
          code: isTracegateError(e) ? e.code : 'FHIR_STORE_UNAVAILABLE',
          message: '溯码网关暂时无法保存或处理此消息，请稍后重发（用同一 identifier 重发不会重复处理）',
        });
      }
    }
  };
}
