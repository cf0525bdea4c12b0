import type { ChannelLog } from '../../../core/ports/channel-runtime.js';

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields?: Record<string, unknown>;
}

/** A ChannelLog that keeps its lines, for tests to count. */
export function recordingLog(): ChannelLog & { lines: LogLine[]; at: (level: LogLine['level']) => LogLine[] } {
  const lines: LogLine[] = [];
  const write = (level: LogLine['level']) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, message, ...(fields ? { fields } : {}) });
  };
  return {
    lines,
    at: (level) => lines.filter((l) => l.level === level),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
  };
}
