/**
 * The event query answers one row per event LINE; tracegate stores and decides per EVENT. Rows are grouped by
 * event_id in the order the query gave them, and each event becomes the bytes stored as its inbound message: the
 * UTF-8 JSON of its rows, so a re-drive reads exactly what the HIS said.
 */
import { invalid, type TracegateError } from '../../core/errors.js';
import { cellText, type HisRow } from './row-values.js';

export interface HisDbEvent {
  eventId: string;
  /** Where the next poll resumes once this event is handled: the watermark of its last row. */
  watermark: string;
  rows: HisRow[];
  /** More lines than maxEventLines: decided as invalid rather than from part of its lines. */
  truncated?: boolean;
}

/** Rows → events in first-appearance order. A row without event_id or watermark cannot be keyed or resumed after. */
export function groupEvents(rows: readonly HisRow[]): HisDbEvent[] {
  const events = new Map<string, HisDbEvent>();
  rows.forEach((row, i) => {
    const eventId = cellText(row.event_id);
    const watermark = cellText(row.watermark);
    if (eventId === null || watermark === null) {
      throw keyMissing(eventId === null ? 'event_id' : 'watermark', i + 1, row);
    }
    const event = events.get(eventId);
    if (event) {
      event.rows.push(row);
      event.watermark = watermark;
    } else {
      events.set(eventId, { eventId, watermark, rows: [row] });
    }
  });
  return [...events.values()];
}

function keyMissing(column: 'event_id' | 'watermark', rowNumber: number, row: HisRow): TracegateError {
  const what = column === 'event_id' ? '事件号' : '续读位置';
  const present = column in row ? `第 ${rowNumber} 行为空` : '结果中没有这一列';
  return invalid(
    'HISDB_COLUMN_MISSING',
    `发药/退药事件查询（eventQuery）的 ${column}（${what}）${present}：每一行都必须有，否则无法去重和续读。请检查 SQL 的列别名`,
    { statement: 'eventQuery', column, row: rowNumber }
  );
}

export function eventBytes(event: HisDbEvent): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(event));
}

/** The stored bytes back to the event (a TracegateError when they are not what eventBytes wrote). */
export function parseEventBytes(raw: Uint8Array): HisDbEvent | TracegateError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch {
    return rawInvalid('不是 UTF-8 JSON');
  }
  if (typeof parsed !== 'object' || parsed === null) {
    return rawInvalid('不是 JSON 对象');
  }
  const e = parsed as Partial<HisDbEvent>;
  if (typeof e.eventId !== 'string' || typeof e.watermark !== 'string' || !Array.isArray(e.rows)) {
    return rawInvalid('缺少 eventId、watermark 或 rows');
  }
  if (!e.rows.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r))) {
    return rawInvalid('rows 不是对象数组');
  }
  return { eventId: e.eventId, watermark: e.watermark, rows: e.rows, truncated: e.truncated === true };
}

function rawInvalid(why: string): TracegateError {
  return invalid('HISDB_RAW_INVALID', `HIS 数据库事件的存储内容无法读取（${why}）`);
}
