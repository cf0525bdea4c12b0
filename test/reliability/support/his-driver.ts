/**
 * Plays the HIS: posts messages to tracegate's proxy from `concurrency` lanes and waits for each answer. A message
 * that got no answer (connection refused or reset, no response in time) is sent again with the same msgid and the
 * same bytes until it gets one: what an HIS does when its insurance call fails in transit.
 */
import type { HisMessage } from './his-messages.js';
import { sleep } from './managed-process.js';

export interface ProxyAnswer {
  status: number;
  /** The parsed body, or null when it was not JSON. */
  json: Record<string, unknown> | null;
  text: string;
}

export interface Delivery {
  message: HisMessage;
  /** The answer that ended the message's sending; null if none came before the deadline. */
  answer: ProxyAnswer | null;
  /** Sends, the answered one included. */
  sends: number;
  /** Why the unanswered sends failed. */
  transportErrors: string[];
}

export interface DriveOptions {
  serviceUrl: string;
  concurrency: number;
  /** Give up on a message after this moment (epoch ms). */
  deadline: number;
  /** How long to wait for one answer before treating the send as unanswered. */
  requestTimeoutMs?: number;
  /** Pause between a failed send and the resend. */
  resendAfterMs?: number;
  /** Called after every answer (the kill scenario counts them). */
  onAnswer?: (delivery: Delivery) => void;
  /** Checked before every send: true gives up on the remaining messages (e.g. tracegate could not restart). */
  stop?: () => boolean;
}

export async function postEnvelope(
  url: string,
  body: string | Buffer,
  timeoutMs = 60_000,
  headers: Record<string, string> = { 'content-type': 'application/json;charset=UTF-8' }
): Promise<ProxyAnswer> {
  const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  return { status: res.status, json: parseObject(text), text };
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Send one message until it is answered (or the deadline passes). */
export async function deliver(message: HisMessage, options: DriveOptions): Promise<Delivery> {
  const delivery: Delivery = { message, answer: null, sends: 0, transportErrors: [] };
  while (Date.now() < options.deadline && !options.stop?.()) {
    delivery.sends++;
    try {
      delivery.answer = await postEnvelope(options.serviceUrl, message.body, options.requestTimeoutMs ?? 60_000);
      options.onAnswer?.(delivery);
      return delivery;
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause;
      delivery.transportErrors.push(cause?.code ?? (e instanceof Error ? e.name : String(e)));
      await sleep(options.resendAfterMs ?? 200);
    }
  }
  return delivery;
}

/** Every message, `concurrency` at a time, in the given order. */
export async function driveAll(messages: HisMessage[], options: DriveOptions): Promise<Delivery[]> {
  const out: Delivery[] = new Array<Delivery>(messages.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(options.concurrency, messages.length) }, async () => {
    while (next < messages.length) {
      const i = next++;
      out[i] = await deliver(messages[i] as HisMessage, options);
    }
  });
  await Promise.all(lanes);
  return out;
}

export function infcodeOf(delivery: Delivery): unknown {
  return delivery.answer?.json?.infcode;
}

/** A short description for assertion messages. */
export function describeDelivery(d: Delivery): string {
  const a = d.answer;
  return `${d.message.kind} ${d.message.bchno} (msgid ${d.message.msgid}, ${d.sends} sends${
    d.transportErrors.length ? `, failed: ${[...new Set(d.transportErrors)].join('/')}` : ''
  }): ${a ? `HTTP ${a.status} ${a.text.slice(0, 300)}` : 'no answer'}`;
}
