/**
 * Hospital-local (Asia/Shanghai, UTC+8 all year, no DST since 1991) dates and times from ISO instants, without a
 * time-zone library. An ISO string without an offset is refused: JavaScript would read it as the server's local time.
 */
import { invalid } from './errors.js';

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const HAS_OFFSET = /(?:Z|[+-]\d{2}:?\d{2})$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** yyyy-MM-dd HH:mm:ss in Shanghai time — the 35xx 日期时间型 format. */
export function shanghaiDateTime(iso: string): string {
  return shifted(iso).slice(0, 19).replace('T', ' ');
}

/** yyyy-MM-dd in Shanghai time. */
export function shanghaiDate(iso: string): string {
  return shifted(iso).slice(0, 10);
}

/** Whole calendar days from one yyyy-MM-dd to another (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((dateMs(to) - dateMs(from)) / DAY_MS);
}

function shifted(iso: string): string {
  const ms = HAS_OFFSET.test(iso) ? Date.parse(iso) : NaN;
  if (Number.isNaN(ms)) {
    throw invalid('TIME_INVALID', `时间「${iso}」不是带时区的 ISO 时间`, { value: iso });
  }
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString();
}

function dateMs(date: string): number {
  const ms = DATE.test(date) ? Date.parse(`${date}T00:00:00Z`) : NaN;
  if (Number.isNaN(ms)) {
    throw invalid('DATE_INVALID', `日期「${date}」应为 yyyy-MM-dd`, { value: date });
  }
  return ms;
}
