/**
 * The HL7 v2 channel as the inbound service sees it: stored bytes → decode in the configured charset → parse →
 * map to a HisEvent; a decided message → its ACK (AA accepted, AR refused or unreadable: resending will not help).
 * The AE for a store failure is built here too, but only the listener sends it: nothing was stored to replay.
 */
import { createHash } from 'node:crypto';
import type { InboundChannel, ReadResult } from '../../core/channels/inbound-channel.js';
import type { InboundMessage } from '../../core/channels/inbound-message.js';
import { invalid } from '../../core/errors.js';
import type { ChannelLog } from '../../core/ports/channel-runtime.js';
import { buildAck, type AckCode, type AckProblem } from './build-ack.js';
import { agrees, decodeBytes, declaredCharset, encodeText } from './hl7-charset.js';
import type { Hl7ChannelConfig } from './hl7-config.js';
import { headerOf, type Hl7Header } from './hl7-header.js';
import { Hl7Message } from './hl7-message.js';
import { mapHl7Event } from './map-hl7-event.js';

/** MSH-10 as the message key when it fits the store's ASCII key column (≤ 191); otherwise the bytes' hash. */
const KEY_SAFE = /^[\x20-\x7e]{1,180}$/;

export class Hl7Channel implements InboundChannel {
  readonly name: string;
  /** MSH-18 values already warned about (once each, not once per message). */
  private readonly warned = new Set<string>();

  constructor(
    private readonly config: Hl7ChannelConfig,
    private readonly log: ChannelLog,
    private readonly now: () => Date = () => new Date()
  ) {
    this.name = config.name;
  }

  read(raw: Uint8Array): ReadResult {
    const text = decodeBytes(raw, this.config.charset);
    const parsed = Hl7Message.parse(text);
    if (!parsed.ok) {
      return parsed;
    }
    const header = headerOf(parsed.message);
    this.warnOnDeclaredCharset(header);
    if (text.includes('\uFFFD')) {
      return { ok: false, error: this.charsetMismatch(header) };
    }
    return mapHl7Event(parsed.message, this.config.mapping);
  }

  replyOf(message: InboundMessage): string | null {
    switch (message.state) {
      case 'accepted':
        return this.ack('AA', message.raw, null);
      case 'refused':
        return this.ack('AR', message.raw, problemOf(message));
      case 'invalid':
        return this.ack('AR', message.raw, { ...problemOf(message), ...this.fieldOf(message.raw) });
      case 'received':
        return null;
      default:
        return message.state satisfies never;
    }
  }

  /** The answer when nothing was decided: AE (store failure: resend) or AR (a frame too large to take). */
  ackWithout(ackCode: AckCode, raw: Uint8Array, problem: AckProblem): string {
    return this.ack(ackCode, raw, problem);
  }

  /** MSH-10, or `sha256:<hex>` of the bytes when there is none: a resent broken frame gets the same answer. */
  sourceKeyOf(raw: Uint8Array): string {
    const id = this.inboundHeader(raw)?.controlId ?? '';
    return KEY_SAFE.test(id) ? id : `sha256:${createHash('sha256').update(raw).digest('hex')}`;
  }

  encode(text: string): Buffer {
    return encodeText(text, this.config.charset);
  }

  /** The inbound MSH alone, so a message with a broken body still has its control id echoed. */
  inboundHeader(raw: Uint8Array): Hl7Header | null {
    const msh = Hl7Message.parseHeader(decodeBytes(raw, this.config.charset));
    return msh && headerOf(msh);
  }

  private ack(ackCode: AckCode, raw: Uint8Array, problem: AckProblem | null): string {
    return buildAck({
      ackCode,
      inbound: this.inboundHeader(raw),
      problem,
      charset: this.config.charset,
      sender: { application: this.config.ack.sendingApplication, facility: this.config.ack.sendingFacility },
      at: this.now(),
    });
  }

  /** Which field an unreadable message lacks (read again: the stored decision keeps only code and message). */
  private fieldOf(raw: Uint8Array): Pick<AckProblem, 'field' | 'occurrence'> {
    const read = this.read(raw);
    const { field, occurrence } = read.ok ? {} : (read.error.details ?? {});
    return typeof field === 'string' ? { field, ...(typeof occurrence === 'number' ? { occurrence } : {}) } : {};
  }

  private warnOnDeclaredCharset(header: Hl7Header | null): void {
    const msh18 = header?.charset ?? '';
    const declared = declaredCharset(msh18);
    if (agrees(this.config.charset, declared) || this.warned.has(msh18)) {
      return;
    }
    this.warned.add(msh18);
    this.log.warn('HL7 MSH-18 disagrees with the channel charset; the channel charset is used', {
      channel: this.name,
      msh18,
      charset: this.config.charset,
    });
  }

  private charsetMismatch(header: Hl7Header | null) {
    const msh18 = header?.charset || '未填';
    return invalid(
      'HL7_CHARSET_MISMATCH',
      `HL7 消息含有按通道字符集 ${this.config.charset} 无法解码的字节（MSH-18：${msh18}），请核对 HIS 发送的编码与通道配置`,
      { charset: this.config.charset, msh18: header?.charset ?? '' }
    );
  }
}

function problemOf(message: InboundMessage): AckProblem {
  return { code: message.code ?? 'UNKNOWN', message: message.message ?? '' };
}
