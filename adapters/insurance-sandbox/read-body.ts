/**
 * Reads a request body up to a limit. Past the limit the rest is read and thrown away rather than the socket cut,
 * so the sender still gets its infcode -1 answer instead of a reset connection; past a much larger bound the
 * socket is destroyed, so a sender streaming forever cannot hold the sandbox.
 */
import type { IncomingMessage } from 'node:http';

export type RequestBody = { kind: 'bytes'; bytes: Buffer } | { kind: 'too-large'; limit: number };

/** The platform's body limit. */
export const BODY_LIMIT_BYTES = 2 * 1024 * 1024;
const DISCARD_LIMIT_BYTES = 64 * 1024 * 1024;

/** The body, or null when the request was aborted (or cut for streaming past every bound). */
export function readBody(req: IncomingMessage, limit = BODY_LIMIT_BYTES): Promise<RequestBody | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > DISCARD_LIMIT_BYTES) {
        req.socket.destroy();
        resolve(null);
        return;
      }
      if (size <= limit) {
        chunks.push(chunk);
      }
    });
    req.on('end', () => {
      resolve(size > limit ? { kind: 'too-large', limit } : { kind: 'bytes', bytes: Buffer.concat(chunks) });
    });
    req.on('error', () => resolve(null));
    req.on('close', () => resolve(null));
  });
}
