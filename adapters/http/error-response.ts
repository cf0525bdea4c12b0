import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { ErrorKind } from '../../core/errors.js';
import { isTracegateError } from '../../core/errors.js';
import type { Logger } from '../../plugin/logger.js';

const statusOf: Record<ErrorKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  refused: 422,
  unavailable: 503,
};

/** The one error shape every endpoint answers with: {"error":{"code","message","details?"}}. */
export function sendError(
  res: Response,
  status: number,
  code: string,
  message: string,
  details?: Record<string, unknown>
): void {
  res.status(status).json({ error: details ? { code, message, details } : { code, message } });
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendError(res, 404, 'ROUTE_NOT_FOUND', `no endpoint ${req.method} ${req.path}`);
};

/** Body-parser failures carry `type` and `status`; they are the client's fault, never a 5xx. */
function bodyParserError(err: unknown): { status: number; code: string; message: string } | undefined {
  if (typeof err !== 'object' || err === null) {
    return undefined;
  }
  if (!('type' in err)) {
    return compressionError(err);
  }
  switch ((err as { type: unknown }).type) {
    case 'entity.parse.failed':
      return { status: 400, code: 'BODY_INVALID_JSON', message: 'request body is not valid JSON' };
    case 'entity.too.large':
      return { status: 413, code: 'BODY_TOO_LARGE', message: 'request body is larger than server.bodyLimitMb allows' };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return {
        status: 415,
        code: 'BODY_ENCODING_UNSUPPORTED',
        message: 'request body encoding is not supported (use UTF-8)',
      };
    case 'request.aborted':
      return { status: 400, code: 'BODY_ABORTED', message: 'request body was not received completely' };
    default:
      return compressionError(err);
  }
}

/** A body declared gzip/deflate that does not inflate: zlib's error reaches the handler untyped. */
function compressionError(err: object): { status: number; code: string; message: string } | undefined {
  const code = 'code' in err ? String((err as { code: unknown }).code) : '';
  return code.startsWith('Z_')
    ? {
        status: 400,
        code: 'BODY_ENCODING_INVALID',
        message: `request body is declared compressed (Content-Encoding) but does not inflate (${code})`,
      }
    : undefined;
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (isTracegateError(err)) {
      sendError(res, statusOf[err.kind], err.code, err.message, err.details);
      return;
    }
    const parserError = bodyParserError(err);
    if (parserError) {
      sendError(res, parserError.status, parserError.code, parserError.message);
      return;
    }
    log.error('unhandled error', {
      method: req.method,
      path: req.path,
      error: err instanceof Error ? err.stack : String(err),
    });
    sendError(res, 500, 'INTERNAL', "internal error; see the server log with this request's correlation id");
  };
}
