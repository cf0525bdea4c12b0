/**
 * A stored HIS database event (its rows as JSON) → the dispense or return the window decides. Never throws for bad
 * rows: the error, with the column it is about, is the answer (state invalid) and is written back to the HIS.
 */
import type { HisEvent, HisEventKind } from '../../core/channels/his-event.js';
import type { ReadResult } from '../../core/channels/inbound-channel.js';
import { invalid, isTracegateError } from '../../core/errors.js';
import { parseEventBytes, type HisDbEvent } from './event-batch.js';
import { dispenseOrderOf, returnOrderOf } from './order-rows.js';
import { headerText, requiredHeader, splitCodes, valueInvalid, type RowSource } from './row-fields.js';
import { cellText, type HisRow } from './row-values.js';

export function readHisDbEvent(raw: Uint8Array): ReadResult {
  const event = parseEventBytes(raw);
  if (isTracegateError(event)) {
    return { ok: false, error: event };
  }
  try {
    return { ok: true, event: hisEventOf(event) };
  } catch (e) {
    if (isTracegateError(e)) {
      return { ok: false, error: e };
    }
    throw e;
  }
}

export function hisEventOf(event: HisDbEvent): HisEvent {
  const src: RowSource = { statement: 'eventQuery', subject: `事件 ${event.eventId}` };
  const rows = event.rows;
  if (event.truncated) {
    throw invalid(
      'HISDB_EVENT_TOO_LARGE',
      `事件 ${event.eventId} 的明细超过 maxEventLines（${rows.length} 行）：只读到一部分，不能据此发药或退药。请核对该事件，或调大 maxEventLines`,
      { eventId: event.eventId, lines: rows.length }
    );
  }
  if (rows.length === 0) {
    throw invalid('HISDB_RAW_INVALID', `事件 ${event.eventId} 没有明细行`, { eventId: event.eventId });
  }
  const common = {
    codes: codesOf(rows),
    actor: headerText(src, rows, 'operator'),
    location: headerText(src, rows, 'location'),
  };
  const kind = kindOf(src, rows);
  switch (kind) {
    case 'dispense':
      return { kind, order: dispenseOrderOf(src, rows), ...common };
    case 'return':
      return { kind, order: returnOrderOf(src, rows), ...common };
    default:
      return kind satisfies never;
  }
}

const kindWords: Record<string, HisEventKind> = {
  dispense: 'dispense',
  发药: 'dispense',
  return: 'return',
  退药: 'return',
};

function kindOf(src: RowSource, rows: readonly HisRow[]): HisEventKind {
  const given = requiredHeader(src, rows, 'event_kind');
  const kind = kindWords[given.toLowerCase()];
  if (!kind) {
    throw valueInvalid(src, 0, 'event_kind', given, ' dispense（发药）或 return（退药）');
  }
  return kind;
}

/**
 * The event's codes in order. A query that joins an event-level codes column to every line repeats the same text
 * on each row: then it counts once. Otherwise each row's codes are that line's and are taken in turn.
 */
function codesOf(rows: readonly HisRow[]): string[] {
  const texts = rows.map((r) => cellText(r.trace_codes));
  const first = texts[0] ?? null;
  if (rows.length > 1 && first !== null && texts.every((t) => t === first)) {
    return splitCodes(first);
  }
  return texts.flatMap(splitCodes);
}
