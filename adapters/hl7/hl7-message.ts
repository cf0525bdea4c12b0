/**
 * A decoded HL7 v2 message read through node-hl7-client's Message, as a list of segments in order (the mapping
 * needs order: a ZTC belongs to the RXD before it). Line endings are normalised first, because HIS senders use
 * CR, LF or CRLF and a trailing newline broke other parsers (integration anchors B5).
 */
import { Message, type HL7Node } from 'node-hl7-client';
import type { TracegateError } from '../../core/errors.js';
import type { Hl7FieldPath } from './hl7-field-path.js';
import { unreadable } from './hl7-errors.js';

export interface Hl7Segment {
  readonly name: string;
  /** 1 for the first segment of its name, 2 for the second… (ERR-2 names a field by it). */
  readonly occurrence: number;
  readonly node: HL7Node;
}

export type ParseResult = { ok: true; message: Hl7Message } | { ok: false; error: TracegateError };

/** MSH, then a field separator, then encoding characters (component, repetition, escape, subcomponent). */
const HEADER_START = /^MSH([^A-Za-z0-9\s])([^A-Za-z0-9\s]{4})/;

export class Hl7Message {
  private constructor(readonly segments: readonly Hl7Segment[]) {}

  /** Never throws: what the library cannot read comes back as HL7_UNREADABLE. */
  static parse(text: string): ParseResult {
    const segments = segmentLines(text);
    const first = segments[0] ?? '';
    if (!HEADER_START.test(first)) {
      return { ok: false, error: unreadable(first === '' ? '消息为空' : '消息不是以 MSH 段开头') };
    }
    if (segments.slice(1).some((s) => s.startsWith('MSH'))) {
      return { ok: false, error: unreadable('一个 MLLP 帧中只能有一条消息（含多个 MSH 段）') };
    }
    try {
      const message = new Message({ text: segments.join('\r') });
      const list: Hl7Segment[] = [];
      for (let i = 0; i < message.length; i++) {
        const node = message.get(i);
        const occurrence = list.filter((s) => s.name === node.name).length + 1;
        list.push({ name: node.name, occurrence, node });
      }
      return { ok: true, message: new Hl7Message(list) };
    } catch (e) {
      return { ok: false, error: unreadable(e instanceof Error ? e.message : String(e)) };
    }
  }

  /** Only the MSH segment, so a message whose body is broken still gets its control id echoed in the ACK. */
  static parseHeader(text: string): Hl7Message | null {
    const first = segmentLines(text)[0] ?? '';
    if (!HEADER_START.test(first)) {
      return null;
    }
    const parsed = Hl7Message.parse(first);
    return parsed.ok ? parsed.message : null;
  }

  all(name: string): Hl7Segment[] {
    return this.segments.filter((s) => s.name === name);
  }

  first(name: string): Hl7Segment | undefined {
    return this.segments.find((s) => s.name === name);
  }

  /** The first non-empty value of the path in any segment of that name (message-level fields: PID, PV1…). */
  value(path: Hl7FieldPath): string {
    for (const segment of this.all(path.segment)) {
      const value = valueOf(segment, path.field, path.component ?? 1);
      if (value !== '') {
        return value;
      }
    }
    return '';
  }
}

/** One component of the first repetition, unescaped and trimmed ('' when absent). */
export function valueOf(segment: Hl7Segment, field: number, component = 1): string {
  return safeText(() => segment.node.get(`${field}.${component}`));
}

/** Every non-empty repetition of a field (its `component`, the first by default). */
export function repetitionsOf(segment: Hl7Segment, field: number, component = 1): string[] {
  const reps = safe(() => segment.node.get(String(field)).toArray(), [] as HL7Node[]);
  return reps.map((rep) => safeText(() => rep.get(String(component)))).filter((v) => v !== '');
}

/** CR, LF or CRLF between segments; blank lines and a byte-order mark dropped. */
function segmentLines(text: string): string[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '');
}

function safeText(read: () => HL7Node): string {
  return safe(() => read().toString().trim(), '');
}

/** The library throws on some odd paths (an index past a short field); absent is the answer then. */
function safe<T>(read: () => T, fallback: T): T {
  try {
    return read() ?? fallback;
  } catch {
    return fallback;
  }
}
