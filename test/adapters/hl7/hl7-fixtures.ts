/** HL7 messages as a HIS sends them, and the MLLP plumbing the loopback tests talk through. */
import { connect, type Socket } from 'node:net';
import { Client, Message, type Connection } from 'node-hl7-client';
import { MllpFramer } from '../../../adapters/hl7/mllp-framer.js';

export interface RdsOptions {
  controlId: string;
  prescriptionNo: string;
  codes: string[];
  /** Boxes on line 1 (default: one per code; negative for a return). */
  quantity?: number;
  patientName?: string;
  /** ORC-1 (RE: a dispense; CR: cancel as requested, a return). */
  orderControl?: string;
  reason?: string;
  msh18?: string;
  messageType?: string;
}

/** An RDS^O13 with one RXD line of 阿托伐他汀钙片 (Y0001) and its codes in a ZTC after it. */
export function rds(o: RdsOptions): string {
  const quantity = o.quantity ?? o.codes.length;
  return [
    `MSH|^~\\&|HIS|HOSP|TRACEGATE|PHARM|20261122080000||${o.messageType ?? 'RDS^O13^RDS_O13'}|${o.controlId}|P|2.5|||||CHN|${o.msh18 ?? ''}`,
    `PID|1||P001^^^HIS^PI||${o.patientName ?? '王^小明'}`,
    `PV1|1|O|||||||||||||||||MZ-${o.prescriptionNo}`,
    `ORC|${o.orderControl ?? 'RE'}|${o.prescriptionNo}||||||||||D01^李^医生`,
    `RXD|1|Y0001^阿托伐他汀钙片|20261122|${quantity}|盒|||||YS01^张^药师`,
    `ZTC|1|${o.codes.join('~')}|${o.reason ?? ''}`,
  ].join('\r');
}

/** The HIS as node-hl7-client's Client: one message at a time, each awaited for its ACK (waitAck). */
export class HisClient {
  private readonly client: Client;
  private readonly connection: Connection;
  private waiting: ((ack: Message) => void) | null = null;

  constructor(port: number) {
    this.client = new Client({ host: '127.0.0.1' });
    this.connection = this.client.createConnection({ port, waitAck: true }, async (res) => {
      const resolve = this.waiting;
      this.waiting = null;
      resolve?.(res.getMessage());
    });
  }

  async send(text: string): Promise<Message> {
    const answered = new Promise<Message>((resolve) => {
      this.waiting = resolve;
    });
    await this.connection.sendMessage(new Message({ text }));
    return withTimeout(answered, 5000, 'no ACK from the listener');
  }

  async close(): Promise<void> {
    await this.connection.close();
    this.client.closeAll();
  }
}

/** What an ACK says, read with the library's parser. */
export function ackOf(ack: Message): { code: string; controlId: string; errCode: string; errText: string } {
  return {
    code: ack.get('MSA.1').toString(),
    controlId: ack.get('MSA.2').toString(),
    errCode: ack.get('ERR.3.1').toString(),
    errText: ack.get('ERR.8').toString(),
  };
}

export function frame(payload: Uint8Array): Buffer {
  return Buffer.concat([Buffer.of(0x0b), payload, Buffer.of(0x1c, 0x0d)]);
}

/** A raw TCP peer: writes chunks as given (each its own write, a pause between) and collects the framed answers. */
export class RawPeer {
  private readonly framer = new MllpFramer(16 * 1024 * 1024);
  readonly answers: Buffer[] = [];
  private readonly socket: Socket;
  private readonly ready: Promise<void>;
  closed = false;

  constructor(port: number) {
    this.socket = connect({ host: '127.0.0.1', port });
    this.socket.setNoDelay(true);
    this.ready = new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('error', reject);
    });
    this.socket.on('data', (chunk: Buffer) => {
      for (const out of this.framer.push(chunk)) {
        if (out.kind === 'frame') {
          this.answers.push(out.bytes);
        }
      }
    });
    this.socket.on('error', () => {});
    this.socket.on('close', () => {
      this.closed = true;
    });
  }

  async write(...chunks: Uint8Array[]): Promise<void> {
    await this.ready;
    for (const chunk of chunks) {
      this.socket.write(chunk);
      await sleep(30);
    }
  }

  async answersFor(count: number): Promise<Buffer[]> {
    await waitFor(() => this.answers.length >= count, `${count} answers (got ${this.answers.length})`);
    return this.answers.slice(0, count);
  }

  async waitClosed(): Promise<void> {
    await waitFor(() => this.closed, 'the listener to close the connection');
  }

  /** Half-close: nothing more will be sent, answers are still read. */
  end(): void {
    this.socket.end();
  }

  close(): void {
    this.socket.destroy();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function waitFor(done: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > until) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await sleep(10);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(what)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** MSA-1, MSA-2 and ERR-3.1 of an ACK given as text (raw socket answers, already decoded). */
export function readAck(text: string): { code: string; controlId: string; errCode: string; errText: string } {
  return ackOf(new Message({ text: text.trim() }));
}
