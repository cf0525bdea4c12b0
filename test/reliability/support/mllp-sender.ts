/**
 * A HIS's HL7 sender as interface engines behave: one message at a time over a persistent MLLP connection, each
 * waiting for its ACK; no ACK in time or a dropped connection → reconnect and send the SAME bytes again (same
 * MSH-10), until an ACK naming that control id arrives.
 */
import { connect, type Socket } from 'node:net';
import { MllpFramer } from '../../../adapters/hl7/mllp-framer.js';
import { sleep } from './managed-process.js';

export interface Acked {
  controlId: string;
  /** MSA-1 */
  code: string;
  /** ERR-3.1 when refused */
  errCode: string;
  /** How many times the message was sent before its ACK came. */
  sends: number;
}

export class MllpSender {
  private socket: Socket | null = null;
  private framer = new MllpFramer(16 * 1024 * 1024);
  private pending: ((frame: Buffer | null) => void) | null = null;

  constructor(
    private readonly port: number,
    private readonly ackTimeoutMs = 3000
  ) {}

  /** Send until acknowledged (or `deadline` passes: throws). */
  async send(controlId: string, text: string, deadline: number): Promise<Acked> {
    const bytes = Buffer.concat([Buffer.of(0x0b), Buffer.from(text, 'utf8'), Buffer.of(0x1c, 0x0d)]);
    for (let sends = 1; Date.now() < deadline; sends++) {
      const answer = await this.attempt(bytes).catch(() => null);
      const ack = answer && readAck(answer.toString('utf8'));
      if (ack && ack.controlId === controlId) {
        return { ...ack, controlId, sends };
      }
      // A late ACK of an earlier try, or none: start over on a fresh connection (as HIS engines do).
      this.drop();
      await sleep(200);
    }
    throw new Error(`no ACK for ${controlId} before the deadline`);
  }

  close(): void {
    this.drop();
  }

  private async attempt(bytes: Buffer): Promise<Buffer | null> {
    const socket = await this.connected();
    const answered = new Promise<Buffer | null>((resolve) => {
      this.pending = resolve;
    });
    socket.write(bytes);
    const timer = setTimeout(() => this.answer(null), this.ackTimeoutMs);
    try {
      return await answered;
    } finally {
      clearTimeout(timer);
    }
  }

  private connected(): Promise<Socket> {
    if (this.socket && !this.socket.destroyed) {
      return Promise.resolve(this.socket);
    }
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: this.port });
      this.framer = new MllpFramer(16 * 1024 * 1024);
      socket.once('connect', () => {
        this.socket = socket;
        resolve(socket);
      });
      socket.once('error', reject);
      socket.on('error', () => this.answer(null));
      socket.on('close', () => this.answer(null));
      socket.on('data', (chunk: Buffer) => {
        for (const out of this.framer.push(chunk)) {
          if (out.kind === 'frame') {
            this.answer(out.bytes);
          }
        }
      });
    });
  }

  private answer(frame: Buffer | null): void {
    const resolve = this.pending;
    this.pending = null;
    resolve?.(frame);
  }

  private drop(): void {
    this.socket?.destroy();
    this.socket = null;
  }
}

/** MSA-1, MSA-2 and ERR-3.1 of an ACK, read by position (the test must not depend on the code it checks). */
function readAck(text: string): { code: string; controlId: string; errCode: string } {
  const segments = text.split('\r');
  const msa = (segments.find((s) => s.startsWith('MSA|')) ?? '').split('|');
  const err = (segments.find((s) => s.startsWith('ERR|')) ?? '').split('|');
  return { code: msa[1] ?? '', controlId: msa[2] ?? '', errCode: (err[3] ?? '').split('^')[0] ?? '' };
}
