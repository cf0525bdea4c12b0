/** The upload outbox as GET /api/v1/uploads shows it: counts per state, and waiting until nothing is left to send. */
import type { Upload, UploadState } from '../../../core/insurance/upload.js';
import { sleep } from './managed-process.js';
import type { TracegateProcess } from './tracegate-process.js';

export type UploadCounts = Record<UploadState, number>;

interface UploadsPage {
  counts: UploadCounts;
  uploads: Upload[];
  nextAfterId: number | null;
}

/** States in which an upload still has to reach the platform. */
const UNFINISHED: UploadState[] = ['pending', 'sending', 'ambiguous'];

export async function uploadCounts(tg: TracegateProcess): Promise<UploadCounts> {
  const { status, body } = await tg.get<UploadsPage>('/api/v1/uploads?limit=1');
  if (status !== 200) {
    throw new Error(`GET /api/v1/uploads: HTTP ${status} ${JSON.stringify(body)}`);
  }
  return body.counts;
}

/** Every upload in the given states (all pages). */
export async function listUploads(tg: TracegateProcess, states: UploadState[]): Promise<Upload[]> {
  const out: Upload[] = [];
  let afterId: number | null = 0;
  while (afterId !== null) {
    const { status, body }: { status: number; body: UploadsPage } = await tg.get<UploadsPage>(
      `/api/v1/uploads?state=${states.join(',')}&limit=1000&afterId=${afterId}`
    );
    if (status !== 200) {
      throw new Error(`GET /api/v1/uploads: HTTP ${status} ${JSON.stringify(body)}`);
    }
    out.push(...body.uploads);
    afterId = body.nextAfterId;
  }
  return out;
}

/**
 * Wait until no upload is pending, sending or ambiguous; resolves with the final counts. Fails early when the
 * counts stop moving for `stallMs` (longer than a lease, so a sender that died mid-call has been taken over by
 * then), listing the uploads that are stuck.
 */
export async function waitUntilDrained(
  tg: TracegateProcess,
  timeoutMs: number,
  stallMs = 45_000
): Promise<UploadCounts> {
  const deadline = Date.now() + timeoutMs;
  let counts = await uploadCounts(tg);
  let lastChange = Date.now();
  while (UNFINISHED.some((s) => (counts[s] ?? 0) > 0)) {
    const stalled = Date.now() - lastChange > stallMs;
    if (Date.now() > deadline || stalled) {
      const stuck = (await listUploads(tg, UNFINISHED)).slice(0, 8);
      throw new Error(
        `the outbox did not drain (${stalled ? `no progress for ${stallMs} ms` : `not within ${timeoutMs} ms`}): ` +
          `${JSON.stringify(counts)}; first stuck: ${JSON.stringify(
            stuck.map((u) => ({
              id: u.id,
              key: u.businessKey,
              state: u.state,
              attempts: u.attempts,
              lastError: u.lastError,
            }))
          )}`
      );
    }
    await sleep(250);
    const next = await uploadCounts(tg);
    if (JSON.stringify(next) !== JSON.stringify(counts)) {
      lastChange = Date.now();
    }
    counts = next;
  }
  return counts;
}
