/**
 * The MLLP listener, on node:net rather than node-hl7-server (2.5.0, lib/esm/server/inbound.js read): that server
 * decodes with a Node BufferEncoding (no GBK/GB18030) before framing, never clears its `loadedMessage` after a
 * frame (a second message on a kept-open connection is parsed together with the first: its issue #102), sends no
 * answer at all when parsing fails (the HIS times out and resends forever), and its SendResponse cannot add an ERR
 * segment. Here: bytes are framed first (MllpFramer), every frame gets an answer, in order per connection, and
 * nothing a peer sends can throw out of a socket handler.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { TracegateError } from '../../core/errors.js';
import type { ChannelLog } from '../../core/ports/channel-runtime.js';
import { MllpConnection, type FrameHandler, type MllpListenerOptions } from './mllp-connection.js';

export class MllpListener {
  private server: Server | null = null;
  private readonly connections = new Set<MllpConnection>();
  private stopping = false;
  private everStarted = false;

  constructor(
    private readonly options: MllpListenerOptions,
    private readonly handler: FrameHandler,
    private readonly log: ChannelLog
  ) {}

  /** True once start() was called in this process (doctor's check probes the port otherwise). */
  get started(): boolean {
    return this.everStarted;
  }

  get listening(): boolean {
    return this.server?.listening === true && !this.stopping;
  }

  /** The bound address (the port the system chose when 0 was configured). */
  address(): { host: string; port: number } | null {
    const address = this.server?.address();
    return address && typeof address === 'object'
      ? { host: (address as AddressInfo).address, port: address.port }
      : null;
  }

  async start(): Promise<void> {
    if (this.server) {
      return;
    }
    this.everStarted = true;
    // Half-open: a sender that shuts its side after the last frame still gets the answers.
    const server = createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((e: unknown) => {
      throw new TracegateError(
        'HL7_LISTEN_FAILED',
        `HL7 通道 ${this.options.name} 无法监听 ${this.options.host}:${this.options.port}：${e instanceof Error ? e.message : String(e)}`,
        'unavailable'
      );
    });
    server.on('error', (e) => this.log.error('HL7 listener error', { channel: this.options.name, error: e.message }));
    this.server = server;
    this.stopping = false;
    this.log.info('HL7 channel listening', { channel: this.options.name, ...this.address() });
  }

  /** Stop accepting, answer the frames already received, then close every connection. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) {
      return;
    }
    this.stopping = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const open = [...this.connections];
    open.forEach((c) => c.stopReading());
    await Promise.all(open.map((c) => c.idle()));
    open.forEach((c) => c.close());
    await closed;
    this.server = null;
    this.log.info('HL7 channel stopped', { channel: this.options.name });
  }

  private accept(socket: Socket): void {
    if (this.stopping) {
      socket.destroy();
      return;
    }
    const connection = new MllpConnection(socket, this.options, this.handler, this.log);
    this.connections.add(connection);
    socket.once('close', () => this.connections.delete(connection));
  }
}
