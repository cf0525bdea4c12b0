/**
 * The ACK tracegate sends (v2.5-shaped, built with node-hl7-client's Message, which escapes | ^ ~ \ & in values):
 * MSA-1 AA / AR / AE, MSA-2 the inbound MSH-10, and for AR/AE an ERR with the machine code and the Chinese reason
 * (ERR-3 code^text, ERR-4 E, ERR-8 for the user). MSA-3 repeats the reason for older HIS that only show MSA-3.
 */
import { randomBytes } from 'node:crypto';
import { Message } from 'node-hl7-client';
import { HL7_2_5 } from 'node-hl7-client/hl7';
import { shanghaiDateTime } from '../../core/shanghai-time.js';
import { TABLE_0211_NAME } from './hl7-charset.js';
import type { Hl7Charset } from './hl7-config.js';
import { parseFieldPath } from './hl7-field-path.js';
import type { Hl7Header } from './hl7-header.js';

export const AckCodes = ['AA', 'AE', 'AR'] as const;
export type AckCode = (typeof AckCodes)[number];

export interface AckProblem {
  code: string;
  message: string;
  /** `RXD.2` and which RXD (1 = the first): ERR-2 (segment^sequence^field), so the HIS can point at the field. */
  field?: string;
  occurrence?: number;
}

export interface AckInput {
  ackCode: AckCode;
  /** The inbound MSH, when it could be read (else MSA-2 stays empty). */
  inbound: Hl7Header | null;
  problem: AckProblem | null;
  charset: Hl7Charset;
  sender: { application: string; facility: string };
  at: Date;
  /** MSH-10 of the ACK itself (unique); generated when not given. */
  controlId?: string;
}

/** MSA-3 is an 80-character ST in v2.5. */
const MSA_3_LENGTH = 80;

export function buildAck(input: AckInput): string {
  const { inbound, problem } = input;
  const ack = new Message({
    specification: new HL7_2_5(),
    messageHeader: {
      msh_9_1: 'ACK',
      msh_9_2: 'O13',
      msh_9_3: 'ACK',
      msh_10: input.controlId ?? ackControlId(),
      msh_11_1: processingIdOf(inbound),
    },
  });
  // The header was built with a placeholder trigger (the library wants three letters): the inbound one, or none.
  ack.set('MSH.9.2', inbound?.trigger ?? '');
  ack.set('MSH.3', input.sender.application);
  setIfAny(ack, 'MSH.4', input.sender.facility);
  (inbound?.sendingApplication ?? []).forEach((v, i) => setIfAny(ack, `MSH.5.${i + 1}`, v));
  (inbound?.sendingFacility ?? []).forEach((v, i) => setIfAny(ack, `MSH.6.${i + 1}`, v));
  ack.set('MSH.7', hl7Time(input.at));
  setIfAny(ack, 'MSH.18', TABLE_0211_NAME[input.charset]);
  const msa = ack.addSegment('MSA');
  msa.set('1', input.ackCode);
  msa.set('2', inbound?.controlId ?? '');
  if (problem) {
    msa.set('3', shorten(oneLine(problem.message), MSA_3_LENGTH));
    addErr(ack, problem);
  }
  // Every segment ends with CR, the last one too (HL7 2.5 §2.5.4).
  return `${ack.toString()}\r`;
}

function addErr(ack: Message, problem: AckProblem): void {
  const text = oneLine(problem.message);
  const err = ack.addSegment('ERR');
  const location = problem.field ? parseFieldPath(problem.field) : null;
  if (location) {
    err.set('2.1', location.segment);
    err.set('2.2', String(problem.occurrence ?? 1));
    err.set('2.3', String(location.field));
  }
  err.set('3.1', problem.code);
  err.set('3.2', text);
  err.set('4', 'E');
  err.set('8', text);
}

/** yyyyMMddHHmmss+0800: the hospital's own time, whatever the server's time zone. */
export function hl7Time(at: Date): string {
  return `${shanghaiDateTime(at.toISOString()).replace(/\D/g, '')}+0800`;
}

/** ≤ 20 characters (ST in v2.5), unique enough: time in base 36 and 8 random hex digits. */
export function ackControlId(): string {
  return `TG${Date.now().toString(36).toUpperCase()}${randomBytes(4).toString('hex').toUpperCase()}`;
}

/** MSH-11 echoes the inbound processing id (production, training, debugging); P when it is not one of them. */
function processingIdOf(inbound: Hl7Header | null): 'P' | 'T' | 'D' {
  const id = inbound?.processingId.slice(0, 1).toUpperCase();
  return id === 'T' || id === 'D' ? id : 'P';
}

function setIfAny(ack: Message, path: string, value: string): void {
  if (value !== '') {
    ack.set(path, value);
  }
}

/** A CR or LF inside a value would end the segment: the escape sequences cover only | ^ ~ \ &. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').trim();
}

function shorten(text: string, length: number): string {
  return [...text].length <= length ? text : `${[...text].slice(0, length - 1).join('')}…`;
}
