/**
 * One HIS connection on the MLLP listener: its own framer and its own answer queue, so ACKs leave in the order the
 * frames came, and a sender that does not wait for its ACKs is paused rather than buffered without bound.
 */
import type { Socket } from 'node:net';
import type { ChannelLog } from '../../core/ports/channel-runtime.js';
import { MLLP_CR, MLLP_END, MLLP_START, MllpFramer, type FramerOutput } from './mllp-framer.js';

/** What answers frames: the HL7 channel's handler. It never rejects for bad input (the answer says why). */
export interface FrameHandler {
  answer(frame: Buffer): Promise<Uint8Array>;
  /** The AR for a frame past the size limit (its connection is closed after it). */
  tooLarge(head: Buffer, limit: number): Uint8Array;
}

export interface MllpListenerOptions {
  name: string;
  host: string;
  port: number;
  maxFrameBytes: number;
}

/** Reading stops at this many unanswered frames and resumes below it. */
const MAX_PENDING = 64;
/** How long a closing connection may take to flush its last ACK before it is destroyed. */
const CLOSE_GRACE_MS = 2000;

export class MllpConnection {
  private readonly framer: MllpFramer;
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  private reading = true;
  private readonly peer: string;

  constructor(
    private readonly socket: Socket,
    private readonly options: MllpListenerOptions,
    private readonly handler: FrameHandler,
    private readonly log: ChannelLog
  ) {
    this.framer = new MllpFramer(options.maxFrameBytes);
    this.peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 60_000);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // The peer finished sending: answer what it sent, then close our side too.
    socket.on('end', () => void this.idle().then(() => this.close()));
    // An error is followed by 'close'; logging it is all there is to do (never an uncaught 'error' event).
    socket.on('error', (e) => this.log.warn('HL7 connection error', this.fields({ error: e.message })));
  }

  stopReading(): void {
    this.reading = false;
    this.socket.pause();
  }

  /** Resolves when every frame taken so far is answered (frames queued while waiting included). */
  async idle(): Promise<void> {
    let seen: Promise<void> | null = null;
    while (seen !== this.queue) {
      seen = this.queue;
      await seen;
    }
  }

  /** End the connection after what was written is flushed; destroy it if the peer does not let it finish. */
  close(): void {
    if (this.socket.destroyed) {
      return;
    }
    const timer = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS);
    timer.unref();
    this.socket.end(() => {
      clearTimeout(timer);
      this.socket.destroy();
    });
  }

  private onData(chunk: Buffer): void {
    if (!this.reading) {
      return;
    }
    for (const output of this.framer.push(chunk)) {
      this.take(output);
    }
  }

  private take(output: FramerOutput): void {
    switch (output.kind) {
      case 'frame':
        this.enqueue(() => this.handler.answer(output.bytes));
        return;
      case 'too_large':
        // The rest of the frame cannot be trusted to be skipped cleanly by every sender: answer, then hang up.
        this.log.warn('HL7 frame too large; answered AR and closing', this.fields({ limit: output.limit }));
        this.reading = false;
        this.enqueue(async () => this.handler.tooLarge(output.head, output.limit));
        void this.idle().then(() => this.close());
        return;
      case 'abandoned':
        this.log.warn('HL7 frame abandoned: a new frame started before its end', this.fields({ bytes: output.bytes }));
        return;
      default:
        return output satisfies never;
    }
  }

  private enqueue(answer: () => Promise<Uint8Array>): void {
    this.pending++;
    if (this.pending >= MAX_PENDING) {
      this.socket.pause();
    }
    this.queue = this.queue
      .then(async () => this.write(await answer()))
      .catch((e: unknown) => {
        // The handler answers every frame itself; reaching here is a bug. Hang up: the HIS resends on a new one.
        this.log.error('HL7 frame could not be answered', this.fields({ error: String(e) }));
        this.socket.destroy();
      })
      .finally(() => {
        this.pending--;
        if (this.pending < MAX_PENDING && this.reading && this.socket.isPaused()) {
          this.socket.resume();
        }
      });
  }

  private write(reply: Uint8Array): void {
    if (this.socket.destroyed || !this.socket.writable) {
      this.log.warn('HL7 answer not sent: the connection is closed', this.fields({}));
      return;
    }
    this.socket.write(Buffer.concat([Buffer.of(MLLP_START), reply, Buffer.of(MLLP_END, MLLP_CR)]));
  }

  private fields(extra: Record<string, unknown>): Record<string, unknown> {
    return { channel: this.options.name, peer: this.peer, ...extra };
  }
}
