/**
 * One API call timed several times against a running server: wall time until the whole body arrived, its size, the
 * server's peak RSS and CPU over the runs. The first run is reported on its own as well (caches cold for that call).
 */
import type { ServerProcess } from '../scan/server-process.js';

export interface CallSpec {
  label: string;
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

export interface CallTiming {
  label: string;
  method: string;
  path: string;
  runs: number;
  firstMs: number;
  medianMs: number;
  maxMs: number;
  bytes: number;
  serverCpuMs: number;
  serverPeakRssMb: number;
  /** The last run's body (JSON) when it is JSON, for the caller to describe. */
  last: unknown;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export async function timeCall(
  baseUrl: string,
  token: string,
  spec: CallSpec,
  runs: number,
  server: ServerProcess
): Promise<CallTiming> {
  const times: number[] = [];
  let bytes = 0;
  let last: unknown = null;
  server.resetPeak();
  const cpuBefore = server.cpuSeconds();
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const res = await fetch(`${baseUrl}/api/v1${spec.path}`, {
      method: spec.method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
    });
    const body = Buffer.from(await res.arrayBuffer());
    times.push(performance.now() - started);
    if (res.status >= 300) {
      throw new Error(`${spec.method} ${spec.path}: HTTP ${res.status} ${body.toString('utf8').slice(0, 500)}`);
    }
    bytes = body.length;
    last = (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(body.toString('utf8')) : null;
  }
  return {
    label: spec.label,
    method: spec.method,
    path: spec.path,
    runs,
    firstMs: times[0]!,
    medianMs: median(times),
    maxMs: Math.max(...times),
    bytes,
    serverCpuMs: ((server.cpuSeconds() - cpuBefore) * 1000) / runs,
    serverPeakRssMb: server.peakRssMb(),
    last,
  };
}
