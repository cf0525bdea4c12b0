/** Logs for tests: one that keeps its lines to be read, one that drops them. */
import type { ChannelLog } from '../../core/ports/channel-runtime.js';

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown> | undefined;
}

export interface RecordingLog extends ChannelLog {
  readonly lines: LogLine[];
  /** The lines written at one level. */
  at(level: LogLine['level']): LogLine[];
}

/** A log that keeps its lines for the test to read. */
export function recordingLog(): RecordingLog {
  const lines: LogLine[] = [];
  const write =
    (level: LogLine['level']) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push({ level, message, fields });
    };
  return {
    lines,
    at: (level) => lines.filter((l) => l.level === level),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
  };
}

export const silentLog: ChannelLog = { info() {}, warn() {}, error() {} };
