/**
 * The HIS side of an HL7 v2 interface, as an interface engine drives it: `connections` persistent MLLP connections,
 * each sending one message, waiting for its ACK, then sending the next (no pipelining, no pause). Every ACK is read
 * with MllpFramer and checked: MSA-1 must be AA and MSA-2 the message's MSH-10; anything else is counted by what it
 * was. The connections stay open between turns, so no turn pays for a handshake; a connection that breaks is
 * counted as an error and opened again for its next message.
 */
import { connect, type Socket } from 'node:net';
import { MllpFramer } from '../../adapters/hl7/mllp-framer.js';

export interface OutboundMessage {
  controlId: string;
  /** The whole MLLP frame (0x0B payload 0x1C 0x0D). */
  frame: Buffer;
}

export type MessageSource = () => OutboundMessage;

export interface AckOutcomes {
  /** AA naming the message's MSH-10. */
  ok: number;
  /** Everything else, by what it was ("AR HL7_FIELD_MISSING", "AA for another MSH-10", "timeout", …). */
  other: Map<string, number>;
  /** The first one of them, with its ACK text. */
  first: string | null;
}

export function emptyOutcomes(): AckOutcomes {
  return { ok: 0, other: new Map(), first: null };
}

export function addOutcomes(to: AckOutcomes, from: AckOutcomes): void {
  to.ok += from.ok;
  for (const [k, n] of from.other) {
    to.other.set(k, (to.other.get(k) ?? 0) + n);
  }
  to.first ??= from.first;
}

export function notOk(o: AckOutcomes): number {
  return [...o.other.values()].reduce((a, b) => a + b, 0);
}

export interface TurnResult {
  latenciesMs: number[];
  outcomes: AckOutcomes;
  /** From the first send to the last ACK, seconds. */
  seconds: number;
}

const ACK_TIMEOUT_MS = 10_000;

/** What an ACK says: ok, or a short label of what was wrong (for counting) and the ACK's text. */
export function checkAck(
  payload: Buffer,
  controlId: string
): { ok: true } | { ok: false; label: string; text: string } {
  const text = payload.toString('utf8');
  const segments = text.split('\r');
  const msa = segments.find((s) => s.startsWith('MSA|'))?.split('|');
  if (!msa) {
    return { ok: false, label: 'no MSA segment', text };
  }
  const [, code = '', ackedId = ''] = msa;
  if (code === 'AA' && ackedId === controlId) {
    return { ok: true };
  }
  const errCode =
    segments
      .find((s) => s.startsWith('ERR|'))
      ?.split('|')[3]
      ?.split('^')[0] ?? '';
  const label = ackedId !== controlId ? `${code} naming another MSH-10` : `${code} ${errCode}`.trim();
  return { ok: false, label, text };
}

class MllpConnection {
  private socket: Socket | null = null;
  private readonly framer = new MllpFramer(16 * 1024 * 1024);
  private pending: { resolve: (ack: Buffer) => void; reject: (e: Error) => void } | null = null;

  constructor(private readonly port: number) {}

  private open(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: this.port });
      socket.setNoDelay(true);
      socket.once('connect', () => resolve(socket));
      socket.once('error', reject);
      socket.on('data', (chunk: Buffer) => {
        for (const out of this.framer.push(chunk)) {
          if (out.kind === 'frame') {
            const p = this.pending;
            this.pending = null;
            p?.resolve(out.bytes);
          }
        }
      });
      socket.on('error', () => undefined);
      socket.on('close', () => {
        if (this.socket === socket) {
          this.socket = null;
        }
        const p = this.pending;
        this.pending = null;
        p?.reject(new Error('connection closed'));
      });
    });
  }

  /** Sends one frame and resolves with the payload of the next frame that comes back. */
  async send(frame: Buffer): Promise<Buffer> {
    this.socket ??= await this.open();
    const socket = this.socket;
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = null;
        // The answer may still come; this connection cannot tell it from the next one's, so start afresh.
        socket.destroy();
        reject(new Error('timeout'));
      }, ACK_TIMEOUT_MS);
      this.pending = {
        resolve: (ack) => {
          clearTimeout(timer);
          resolve(ack);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      socket.write(frame);
    });
  }

  async connect(): Promise<void> {
    this.socket ??= await this.open();
  }

  close(): void {
    this.socket?.destroy();
    this.socket = null;
  }
}

export class MllpPath {
  private readonly conns: MllpConnection[];

  constructor(
    readonly name: string,
    port: number,
    connections: number,
    private readonly messages: MessageSource
  ) {
    this.conns = Array.from({ length: connections }, () => new MllpConnection(port));
  }

  async open(): Promise<void> {
    await Promise.all(this.conns.map((c) => c.connect()));
  }

  /** Each connection sends back to back for `seconds`; resolves when every ACK is in. */
  async turn(seconds: number): Promise<TurnResult> {
    const latenciesMs: number[] = [];
    const outcomes = emptyOutcomes();
    const bad = (label: string, text: string): void => {
      outcomes.other.set(label, (outcomes.other.get(label) ?? 0) + 1);
      outcomes.first ??= `${label}: ${text.replace(/\r/g, '⏎').slice(0, 400)}`;
    };
    const start = performance.now();
    const end = start + seconds * 1000;
    await Promise.all(
      this.conns.map(async (conn) => {
        while (performance.now() < end) {
          const m = this.messages();
          const t0 = performance.now();
          try {
            const ack = await conn.send(m.frame);
            latenciesMs.push(performance.now() - t0);
            const check = checkAck(ack, m.controlId);
            if (check.ok) {
              outcomes.ok++;
            } else {
              bad(check.label, check.text);
            }
          } catch (e) {
            latenciesMs.push(performance.now() - t0);
            bad(e instanceof Error ? e.message : String(e), m.controlId);
          }
        }
      })
    );
    return { latenciesMs, outcomes, seconds: (performance.now() - start) / 1000 };
  }

  close(): void {
    for (const c of this.conns) {
      c.close();
    }
  }
}
