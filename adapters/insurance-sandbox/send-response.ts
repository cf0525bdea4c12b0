/** Writing answers to a request that may already be gone (dropped, timed out by the client, listener closed). */
import type { IncomingMessage, ServerResponse } from 'node:http';

export function isGone(res: ServerResponse): boolean {
  return res.destroyed || res.writableEnded || res.socket === null || res.socket.destroyed;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (isGone(res)) {
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json;charset=UTF-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  if (isGone(res)) {
    return;
  }
  res.writeHead(status, { 'content-type': 'text/plain;charset=UTF-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Cut the connection without an answer (the "drop" fault). */
export function dropConnection(req: IncomingMessage): void {
  req.socket.destroy();
}

/** Waits ms, or less when the connection goes away first; true when the answer can still be sent. */
export function pause(ms: number, res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    if (isGone(res)) {
      resolve(false);
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      res.off('close', done);
      resolve(!isGone(res));
    };
    const timer = setTimeout(done, ms);
    res.on('close', done);
  });
}
