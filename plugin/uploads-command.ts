/** `tracegate uploads list|show|retry|redrive|hold|undo`: the outbox from the command line (same service as the API). */
import type { Command } from 'commander';
import { invalid } from '../core/errors.js';
import {
  UploadSources,
  UploadStates,
  uploadStateName,
  type Upload,
  type UploadFilter,
} from '../core/insurance/upload.js';
import { cliActor, formatTable } from './cli-table.js';
import type { Tracegate } from './tracegate.js';

type Run = <A extends unknown[]>(fn: (tg: Tracegate, ...args: A) => Promise<void>) => (...args: A) => Promise<void>;

interface ListOptions {
  state?: string;
  infno?: string;
  source?: string;
  code?: string;
  session?: string;
  after?: string;
  limit: string;
  json?: boolean;
}

export function registerUploadsCommand(program: Command, run: Run): void {
  const uploads = program.command('uploads').description('the insurance upload outbox: list, inspect, retry, re-drive');
  uploads
    .command('list')
    .description('uploads with their state (oldest first), and the count per state')
    .option('--state <states>', `comma-separated: ${UploadStates.join(',')}`)
    .option('--infno <infno>', 'e.g. 3505')
    .option('--source <source>', UploadSources.join('|'))
    .option('--code <traceCode>', 'uploads carrying this trace code')
    .option('--session <id>', 'uploads of one window session')
    .option('--after <id>', 'page: rows after this id')
    .option('--limit <n>', 'rows per page', '50')
    .option('--json', 'JSON instead of a table')
    .action(
      run(async (tg, opts: ListOptions) => {
        const list = await tg.insurance.uploads.list(filterOf(opts));
        const overview = await tg.insurance.uploads.overview();
        if (opts.json) {
          console.log(JSON.stringify({ ...overview, uploads: list }, null, 2));
          return;
        }
        console.log(formatCounts(overview.counts, overview.oldestUndelivered));
        console.log(formatUploads(list));
      })
    );
  uploads
    .command('show <id>')
    .description('one upload with every attempt')
    .action(
      run(async (tg, id: string) => {
        console.log(JSON.stringify(await tg.insurance.uploads.get(idOf(id)), null, 2));
      })
    );
  uploads
    .command('retry <ids...>')
    .description('due now: dead or waiting uploads go back to pending; ambiguous ones are settled first')
    .action(
      run(async (tg, ids: string[]) => {
        console.log(`retried ${await tg.insurance.uploads.retry(ids.map(idOf), cliActor())}`);
      })
    );
  uploads
    .command('redrive <ids...>')
    .description('send delivered, dead or held uploads again as new uploads naming the originals')
    .action(
      run(async (tg, ids: string[]) => {
        const queued = await tg.insurance.uploads.redrive(ids.map(idOf), cliActor());
        console.log(`queued ${queued.map((u) => `#${u.id} ${u.businessKey}`).join(', ')}`);
      })
    );
  uploads
    .command('hold <ids...>')
    .description('stop tracegate from sending these uploads')
    .requiredOption('--reason <text>', 'why (kept in the audit trail)')
    .action(
      run(async (tg, ids: string[], opts: { reason: string }) => {
        console.log(`held ${await tg.insurance.uploads.hold(ids.map(idOf), cliActor(), opts.reason)}`);
      })
    );
  uploads
    .command('undo <id>')
    .description('delete a delivered row on the platform (queues a 3507)')
    .action(
      run(async (tg, id: string) => {
        const u = await tg.insurance.uploads.undo(idOf(id), cliActor());
        console.log(`queued 3507 #${u.id} ${u.businessKey}`);
      })
    );
}

function filterOf(opts: ListOptions): UploadFilter {
  const states = opts.state?.split(',').map((s) => s.trim());
  for (const s of states ?? []) {
    if (!(UploadStates as readonly string[]).includes(s)) {
      throw invalid('UPLOAD_STATE_INVALID', `unknown state "${s}"; one of ${UploadStates.join(', ')}`);
    }
  }
  if (opts.source && !(UploadSources as readonly string[]).includes(opts.source)) {
    throw invalid('UPLOAD_SOURCE_INVALID', `unknown source "${opts.source}"; one of ${UploadSources.join(', ')}`);
  }
  return {
    ...(states ? { states: states as UploadFilter['states'] } : {}),
    ...(opts.infno ? { infno: opts.infno } : {}),
    ...(opts.source ? { source: opts.source as UploadFilter['source'] } : {}),
    ...(opts.code ? { traceCode: opts.code } : {}),
    ...(opts.session ? { sessionId: opts.session } : {}),
    ...(opts.after ? { afterId: idOf(opts.after) } : {}),
    limit: idOf(opts.limit),
  };
}

function idOf(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) {
    throw invalid('ARGUMENT_INVALID', `"${text}" is not a positive integer`);
  }
  return n;
}

function formatCounts(counts: Record<string, number>, oldest: string | null): string {
  const parts = Object.entries(counts).map(([state, n]) => `${state} ${n}`);
  return `${parts.join(' · ')}${oldest ? ` · oldest undelivered ${oldest}` : ''}`;
}

function formatUploads(list: Upload[]): string {
  const rows = list.map((u) => [
    String(u.id),
    u.infno,
    u.businessKey,
    u.source,
    `${u.state} ${uploadStateName[u.state]}`,
    String(u.attempts),
    u.deliveredAt ?? u.nextAttemptAt ?? '',
    (u.lastError ?? '').slice(0, 60),
  ]);
  return formatTable(
    ['id', 'infno', 'fixmedins_bchno', 'source', 'state', 'tries', 'delivered/next', 'last error'],
    rows
  );
}
