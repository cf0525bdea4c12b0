import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { TracegateError } from '../../core/errors.js';
import type { Role } from '../../plugin/config-schema.js';

export interface Principal {
  name: string;
  roles: Role[];
}

interface TokenEntry extends Principal {
  digest: Buffer;
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Bearer tokens from the configuration; compared by digest in constant time. */
export function bearerAuth(tokens: { name: string; token: string; roles: Role[] }[]): {
  authenticate: RequestHandler;
  require: (...roles: Role[]) => RequestHandler;
} {
  const entries: TokenEntry[] = tokens.map((t) => ({ name: t.name, roles: t.roles, digest: digest(t.token) }));
  const authenticate: RequestHandler = (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) {
      next(new TracegateError('AUTH_REQUIRED', 'missing bearer token (Authorization: Bearer <token>)', 'unauthorized'));
      return;
    }
    const d = digest(match[1]);
    const found = entries.find((e) => timingSafeEqual(e.digest, d));
    if (!found) {
      next(new TracegateError('AUTH_INVALID', 'unknown bearer token', 'unauthorized'));
      return;
    }
    (req as AuthedRequest).principal = { name: found.name, roles: found.roles };
    next();
  };
  const require =
    (...roles: Role[]): RequestHandler =>
    (req, _res, next) => {
      const p = principalOf(req);
      if (p.roles.includes('admin') || roles.some((r) => p.roles.includes(r))) {
        return next();
      }
      next(
        new TracegateError('AUTH_FORBIDDEN', `this action needs one of the roles: ${roles.join(', ')}`, 'forbidden')
      );
    };
  return { authenticate, require };
}

interface AuthedRequest extends Request {
  principal?: Principal;
}

export function principalOf(req: Request): Principal {
  const p = (req as AuthedRequest).principal;
  if (!p) {
    throw new TracegateError('AUTH_REQUIRED', 'missing bearer token', 'unauthorized');
  }
  return p;
}
