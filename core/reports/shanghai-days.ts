/**
 * Hospital-local days as instant ranges. Shanghai is UTC+8 all year, so a day is [date 00:00+08:00, next 00:00+08:00)
 * and every UTC hour falls in exactly one Shanghai day: the database groups by UTC hour (`yyyy-MM-ddTHH`, a prefix of
 * the stored ISO text, the same in every dialect) and this file turns hours into days.
 */
import { invalid } from '../errors.js';
import { shanghaiDate } from '../shanghai-time.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A yyyy-MM-dd that is a real calendar date, else a typed refusal naming the field. */
export function requireDate(value: string, field: string): string {
  const ms = DATE.test(value) ? Date.parse(`${value}T00:00:00Z`) : NaN;
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) {
    throw invalid('DATE_INVALID', `${field}「${value}」不是有效日期，应为 yyyy-MM-dd`, { field, value });
  }
  return value;
}

/** The instant a Shanghai day starts (ISO, UTC). */
export function dayStart(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00+08:00`)).toISOString();
}

/** The first instant after a Shanghai day (exclusive end of "as of the end of that day"). */
export function dayEnd(date: string): string {
  return dayStart(addDays(date, 1));
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The Shanghai day of a UTC hour bucket `yyyy-MM-ddTHH`. */
export function dayOfHour(hour: string): string {
  return shanghaiDate(`${hour}:00:00.000Z`);
}

/** `count` consecutive days ending with `last`, oldest first. */
export function daysEndingOn(last: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => addDays(last, i - count + 1));
}
