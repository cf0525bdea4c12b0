/**
 * Where the server's CPU time went, from the V8 profile that `node --cpu-prof` writes at exit: self time per
 * package / tracegate layer, and the busiest functions. A rough guide (sampling, ~1 ms resolution), not a
 * measurement to quote to the decimal.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function bucketOf(node: CpuProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (!url) {
    return functionName.startsWith('(') ? functionName : '(native)';
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1]) {
    return pkg[1];
  }
  if (url.startsWith('node:')) {
    return 'node: (core modules)';
  }
  const own = /\/(core|adapters|plugin|migrations)\/([^/]+)/.exec(url);
  if (own) {
    return `tracegate ${own[1]}/${own[1] === 'core' || own[1] === 'adapters' ? own[2] : ''}`.replace(/\/$/, '');
  }
  return url;
}

/** Markdown tables of the newest main-thread profile in `dir`. */
export function summarizeProfile(dir: string, top = 15): string {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort();
  // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main thread (tsx's loader hooks run in
  // a worker thread of their own, which writes a second profile).
  const file = files.filter((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f)).at(-1) ?? files.at(-1);
  if (!file) {
    return `(no .cpuprofile in ${dir})`;
  }
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const buckets = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) {
      continue;
    }
    total += us;
    const bucket = bucketOf(node);
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + us);
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${url.replace(/^.*\/(node_modules|work\/main)\//, '')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const share = (us: number): string => `${((100 * us) / total).toFixed(1)} %`;
  const rows = (m: Map<string, number>): string[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `| ${k} | ${share(us)} |`);
  return [
    `Server CPU profile ${file}: ${(total / 1e6).toFixed(1)} s sampled (idle included)`,
    '',
    '| where (self time) | share |',
    '|---|---|',
    ...rows(buckets),
    '',
    '| function (self time) | share |',
    '|---|---|',
    ...rows(functions),
  ].join('\n');
}
