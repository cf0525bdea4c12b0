/**
 * `tracegate anomalies run|list` and `tracegate import duplicate-notices FILE`: the anomaly service from the command
 * line (the same service as the API).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { exportTable, ExportFormats, type ExportFormat } from '../adapters/export/table-export.js';
import { anomalyExportColumns } from '../adapters/http/anomaly-exports.js';
import { readTabularFile } from '../adapters/import/tabular-file-reader.js';
import { AnomalyStatuses, AnomalyTypes, RiskLevels } from '../core/anomalies/anomaly.js';
import type { AnomalyFilter } from '../core/ports/anomaly-store.js';
import { invalid } from '../core/errors.js';
import { shanghaiDateTime } from '../core/shanghai-time.js';
import { cliActor, formatTable } from './cli-table.js';
import type { Tracegate } from './tracegate.js';

type Run = <A extends unknown[]>(fn: (tg: Tracegate, ...args: A) => Promise<void>) => (...args: A) => Promise<void>;

interface ListOptions {
  type?: string;
  risk?: string;
  status?: string;
  drug?: string;
  code?: string;
  limit: string;
  format?: string;
  out?: string;
  json?: boolean;
}

export function registerAnomaliesCommand(program: Command, imports: Command, run: Run): void {
  const anomalies = program
    .command('anomalies')
    .description('anomalies (串换, 回流, 虚假销售, 代办人, 超量开药): run, list');
  anomalies
    .command('run')
    .description('run every anomaly rule now over the configured period')
    .action(
      run(async (tg) => {
        const r = await tg.anomalies.runNow(cliActor());
        const c = r.counts!;
        console.log(`run ${r.id}: ${c.inserted} new, ${c.updated} updated`);
        console.log(
          Object.entries(c.byType)
            .map(([t, n]) => `${t} ${n}`)
            .join(' · ')
        );
        if (c.limited.length > 0) {
          console.log(`row limit reached in: ${c.limited.join(', ')}`);
        }
      })
    );
  anomalies
    .command('list')
    .description('findings, newest first, with the count per type and risk')
    .option('--type <type>', AnomalyTypes.join('|'))
    .option('--risk <risk>', RiskLevels.join('|'))
    .option('--status <status>', AnomalyStatuses.join('|'))
    .option('--drug <hisDrugCode>', 'findings about one drug')
    .option('--code <traceCode>', 'findings naming one trace code')
    .option('--limit <n>', 'rows', '200')
    .option('--format <format>', `write a file instead of a table: ${ExportFormats.join('|')} (with --out)`)
    .option('--out <file>', 'where --format writes (default: stdout for csv)')
    .option('--json', 'JSON instead of a table')
    .action(
      run(async (tg, opts: ListOptions) => {
        const list = await tg.anomalies.list(filterOf(opts));
        if (opts.format) {
          const file = await exportTable(formatOf(opts.format), anomalyExportColumns, list.anomalies, '异常清单');
          if (opts.out) {
            writeFileSync(opts.out, file.body);
            console.log(`wrote ${list.anomalies.length} anomalies to ${opts.out}`);
          } else {
            process.stdout.write(file.body);
          }
          return;
        }
        if (opts.json) {
          console.log(JSON.stringify(list, null, 2));
          return;
        }
        console.log(
          Object.entries(list.counts.byType)
            .map(([t, n]) => `${t} ${n}`)
            .join(' · ') || 'no anomalies'
        );
        console.log(
          formatTable(
            ['id', 'type', 'risk', 'status', 'occurred', 'summary'],
            list.anomalies.map((a) => [
              a.id,
              a.typeName,
              a.riskName,
              a.statusName,
              shanghaiDateTime(a.occurredAt).slice(0, 16),
              a.summary.slice(0, 80),
            ])
          )
        );
      })
    );
  imports
    .command('duplicate-notices <file>')
    .description('the platform’s duplicate-code notices (追溯码重复通知), CSV or XLSX; all rows or none')
    .action(
      run(async (tg, file: string) => {
        const name = basename(file);
        const table = await readTabularFile(readFileSync(file), name);
        const result = await tg.anomalies.importNoticeTable(table, name, cliActor());
        console.log(`imported ${result.imported} notices (${result.unchanged} already known) from ${file}`);
      })
    );
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], what: string): T | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (!(allowed as readonly string[]).includes(value)) {
    throw invalid('ARGUMENT_INVALID', `unknown ${what} "${value}"; one of ${allowed.join(', ')}`);
  }
  return value as T;
}

function formatOf(value: string): ExportFormat {
  return oneOf(value, ExportFormats, 'format')!;
}

function filterOf(opts: ListOptions): AnomalyFilter {
  const limit = Number(opts.limit);
  if (!Number.isInteger(limit) || limit <= 0) {
    throw invalid('ARGUMENT_INVALID', `"${opts.limit}" is not a positive integer`);
  }
  const type = oneOf(opts.type, AnomalyTypes, 'type');
  const risk = oneOf(opts.risk, RiskLevels, 'risk');
  const status = oneOf(opts.status, AnomalyStatuses, 'status');
  return {
    ...(type ? { type } : {}),
    ...(risk ? { risk } : {}),
    ...(status ? { status } : {}),
    ...(opts.drug ? { hisDrugCode: opts.drug } : {}),
    ...(opts.code ? { traceCode: opts.code } : {}),
    limit,
  };
}
