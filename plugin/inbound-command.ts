/** `tracegate inbound list|show|redrive`: the HIS channels' stored messages (same service as the API). */
import type { Command } from 'commander';
import { HisEventKinds, type HisEventKind } from '../core/channels/his-event.js';
import {
  inboundSummary,
  InboundStates,
  type InboundMessage,
  type InboundState,
} from '../core/channels/inbound-message.js';
import { invalid } from '../core/errors.js';
import { formatTable } from './cli-table.js';
import type { Tracegate } from './tracegate.js';

type Run = <A extends unknown[]>(fn: (tg: Tracegate, ...args: A) => Promise<void>) => (...args: A) => Promise<void>;

interface FilterOptions {
  channel?: string;
  state?: string;
  kind?: string;
  ref?: string;
  from?: string;
  to?: string;
}

export function registerInboundCommand(program: Command, run: Run): void {
  const inbound = program
    .command('inbound')
    .description('messages received from the HIS channels (HL7, FHIR, HIS database): list, inspect, re-drive');
  filterOptions(inbound.command('list').description('stored messages in the order received'))
    .option('--after <id>', 'page: messages after this id')
    .option('--limit <n>', 'rows per page', '50')
    .option('--json', 'JSON instead of a table')
    .action(
      run(async (tg, opts: FilterOptions & { after?: string; limit: string; json?: boolean }) => {
        const list = await tg.inbound.list({
          ...filterOf(opts),
          ...(opts.after ? { afterId: opts.after } : {}),
          limit: countOf(opts.limit),
        });
        console.log(opts.json ? JSON.stringify(list.map(inboundSummary), null, 2) : formatMessages(list));
      })
    );
  inbound
    .command('show <id>')
    .description('one message with its text as received')
    .action(
      run(async (tg, id: string) => {
        const m = await tg.inbound.get(id);
        console.log(JSON.stringify({ ...inboundSummary(m), text: tg.inbound.textOf(m) }, null, 2));
      })
    );
  filterOptions(
    inbound
      .command('redrive [ids...]')
      .description('decide messages again from their stored bytes, as new messages linked to the originals')
  ).action(
    run(async (tg, ids: string[], opts: FilterOptions) => {
      const filter = filterOf(opts);
      if (ids.length > 0) {
        for (const id of ids) {
          console.log(describe(await tg.inbound.redrive(id)));
        }
        return;
      }
      if (Object.keys(filter).length === 0) {
        throw invalid('REDRIVE_FILTER_REQUIRED', 'give message ids or at least one filter (--channel, --state, …)');
      }
      const { redriven, skipped } = await tg.inbound.redriveMany(filter);
      redriven.forEach((m) => console.log(describe(m)));
      console.log(`re-driven ${redriven.length}, skipped ${skipped.length} (accepted or channel not configured)`);
    })
  );
}

function filterOptions(cmd: Command): Command {
  return cmd
    .option('--channel <name>', 'one channel')
    .option('--state <state>', InboundStates.join('|'))
    .option('--kind <kind>', HisEventKinds.join('|'))
    .option('--ref <reference>', 'prescription, visit or sale')
    .option('--from <time>', 'received at or after (ISO)')
    .option('--to <time>', 'received before (ISO)');
}

function filterOf(opts: FilterOptions): {
  channel?: string;
  state?: InboundState;
  kind?: HisEventKind;
  reference?: string;
  from?: string;
  to?: string;
} {
  if (opts.state && !(InboundStates as readonly string[]).includes(opts.state)) {
    throw invalid('INBOUND_STATE_INVALID', `unknown state "${opts.state}"; one of ${InboundStates.join(', ')}`);
  }
  if (opts.kind && !(HisEventKinds as readonly string[]).includes(opts.kind)) {
    throw invalid('INBOUND_KIND_INVALID', `unknown kind "${opts.kind}"; one of ${HisEventKinds.join(', ')}`);
  }
  return {
    ...(opts.channel ? { channel: opts.channel } : {}),
    ...(opts.state ? { state: opts.state as InboundState } : {}),
    ...(opts.kind ? { kind: opts.kind as HisEventKind } : {}),
    ...(opts.ref ? { reference: opts.ref } : {}),
    ...(opts.from ? { from: isoOf(opts.from) } : {}),
    ...(opts.to ? { to: isoOf(opts.to) } : {}),
  };
}

function isoOf(text: string): string {
  const t = Date.parse(text);
  if (Number.isNaN(t)) {
    throw invalid('ARGUMENT_INVALID', `"${text}" is not a date or time`);
  }
  return new Date(t).toISOString();
}

function countOf(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0 || n > 1000) {
    throw invalid('ARGUMENT_INVALID', `"${text}" is not a whole number from 1 to 1000`);
  }
  return n;
}

function describe(m: InboundMessage): string {
  return `${m.id} ${m.state}${m.code ? ` ${m.code}` : ''}${m.originalId ? ` (re-drive of ${m.originalId})` : ''}`;
}

function formatMessages(list: InboundMessage[]): string {
  const rows = list.map((m) => [
    m.id,
    m.channel,
    m.sourceKey.slice(0, 40),
    m.receivedAt,
    m.kind ?? '',
    m.state,
    m.code ?? '',
    m.reference ?? '',
    m.sessionId ?? '',
    (m.message ?? '').slice(0, 40),
  ]);
  return formatTable(['id', 'channel', 'key', 'received', 'kind', 'state', 'code', 'ref', 'session', 'why'], rows);
}
