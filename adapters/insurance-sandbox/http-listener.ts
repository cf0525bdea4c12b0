/**
 * A node:http listener that can be closed and opened again on the same port. Closing also destroys every open
 * connection (keep-alive ones included), so a client of a "down" platform really gets ECONNREFUSED on its next
 * request rather than a reused socket that still answers.
 */
import type { RequestListener, Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export class HttpListener {
  private server: Server | null = null;

  constructor(
    private readonly handler: RequestListener,
    private readonly host: string,
    private port: number
  ) {}

  get listening(): boolean {
    return this.server !== null;
  }

  /** The bound port (the one chosen by the system when 0 was asked, kept for reopening). */
  get boundPort(): number {
    return this.port;
  }

  async open(): Promise<void> {
    if (this.server) {
      return;
    }
    const server = createServer(this.handler);
    // Malformed HTTP gets a 400 and a closed socket, never an exception in the process.
    server.on('clientError', (_err, socket: Socket) => {
      if (socket.writable) {
        socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      } else {
        socket.destroy();
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) {
      return;
    }
    this.server = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }
}
