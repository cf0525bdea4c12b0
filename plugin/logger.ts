import { AsyncLocalStorage } from 'node:async_hooks';
import winston from 'winston';

/** The correlation id of the request or job being handled, added to every log line written under it. */
const correlation = new AsyncLocalStorage<string>();

export function withCorrelationId<T>(id: string, fn: () => T): T {
  return correlation.run(id, fn);
}

export function currentCorrelationId(): string | undefined {
  return correlation.getStore();
}

const addCorrelation = winston.format((info) => {
  const id = correlation.getStore();
  if (id) {
    info.correlationId = id;
  }
  return info;
});

export type Logger = winston.Logger;

export function createLogger(level: string, stream?: NodeJS.WritableStream): Logger {
  return winston.createLogger({
    level,
    format: winston.format.combine(winston.format.timestamp(), addCorrelation(), winston.format.json()),
    transports: [
      stream
        ? new winston.transports.Stream({ stream })
        : new winston.transports.Console({ stderrLevels: ['error', 'warn'] }),
    ],
  });
}

/** An error as a log field: its stack where it has one. */
export function errorText(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}
