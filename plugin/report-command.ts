/**
 * `tracegate report reconcile|codes|daily` and `tracegate import book-stock FILE`: the reports from the command line,
 * through the same services as the API. Files (CSV/XLSX) are written with the API's columns.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { readTabularFile } from '../adapters/import/tabular-file-reader.js';
import { exportTable, type ExportColumn } from '../adapters/export/table-export.js';
import { codeColumns, dailyColumns, reconciliationColumns } from '../adapters/http/report-exports.js';
import { invalid } from '../core/errors.js';
import type { DrugReconciliation, ReconciliationReport } from '../core/reports/reconciliation/reconciliation.js';
import { cliActor, formatTable } from './cli-table.js';
import type { Tracegate } from './tracegate.js';

type Run = <A extends unknown[]>(fn: (tg: Tracegate, ...args: A) => Promise<void>) => (...args: A) => Promise<void>;

const Formats = ['table', 'json', 'csv', 'xlsx'] as const;
type Format = (typeof Formats)[number];

interface OutputOptions {
  format: string;
  out?: string;
}

export function registerReportCommand(program: Command, run: Run): void {
  const report = program
    .command('report')
    .description('reports: 药帐核对 (reconciliation), code lists, the daily trend');
  report
    .command('reconcile')
    .description('HIS book stock against the ledger per drug, the difference explained by category')
    .option('--as-of <date>', 'the day (yyyy-MM-dd, hospital time); default today, the ledger as it is now')
    .option('--drug <code>', 'one HIS drug code')
    .option('--since <date>', 'count window events from this day (default: each drug since its last 3501 count)')
    .option('--codes <n>', 'codes listed per category (json; default 5 for one drug, 0 for all)')
    .option('--format <format>', Formats.join('|'), 'table')
    .option('--out <file>', 'write to this file (xlsx: default 药帐核对-<day>.xlsx)')
    .action(
      run(async (tg, opts: OutputOptions & { asOf?: string; drug?: string; since?: string; codes?: string }) => {
        const format = formatOf(opts.format);
        const result = await tg.reports.reconciliation.report({
          asOf: opts.asOf,
          hisDrugCode: opts.drug,
          since: opts.since,
          codes: format !== 'json' ? 0 : opts.codes === undefined ? undefined : Number(opts.codes),
        });
        await output(format, opts.out, `药帐核对-${result.asOf}`, result, reconciliationColumns, result.drugs, () =>
          reconciliationTable(result)
        );
      })
    );
  report
    .command('codes <drug> <category>')
    .description('every code of one drug in one category (in_stock, opened, received_twice, …)')
    .option('--as-of <date>', 'the day (yyyy-MM-dd); default today')
    .option('--since <date>', 'window start for window categories')
    .option('--format <format>', Formats.join('|'), 'table')
    .option('--out <file>', 'write to this file')
    .action(
      run(async (tg, drug: string, category: string, opts: OutputOptions & { asOf?: string; since?: string }) => {
        const format = formatOf(opts.format);
        const page = await tg.reports.reconciliation.allCodes({
          hisDrugCode: drug,
          category,
          asOf: opts.asOf,
          since: opts.since,
        });
        await output(
          format,
          opts.out,
          `药帐核对-${drug}-${page.label}-${page.asOf}`,
          page,
          codeColumns(page.label),
          page.codes,
          () =>
            formatTable(
              ['trace code', 'at', 'ref', 'detail'],
              page.codes.map((c) => [c.traceCode, c.at ?? '', c.ref ?? '', c.detail])
            )
        );
      })
    );
  report
    .command('daily')
    .description('per day: received, dispensed, returned, refused scans, uploads (the dashboard trend)')
    .option('--days <n>', 'how many days, today included', '30')
    .option('--format <format>', Formats.join('|'), 'table')
    .option('--out <file>', 'write to this file')
    .action(
      run(async (tg, opts: OutputOptions & { days: string }) => {
        const format = formatOf(opts.format);
        const daily = await tg.reports.daily.daily(Number(opts.days));
        await output(format, opts.out, `每日趋势-${daily.from}至${daily.to}`, daily, dailyColumns, daily.days, () =>
          formatTable(
            dailyColumns.map((c) => c.header),
            daily.days.map((d) => dailyColumns.map((c) => String(c.value(d) ?? '')))
          )
        );
      })
    );
}

/** `tracegate import book-stock FILE`, under the existing `import` command. */
export function registerBookStockImport(imports: Command, run: Run): void {
  imports
    .command('book-stock <file>')
    .description('the HIS book stock (账面库存): HIS药品编码, 账面库存(盒), optional 拆零数量 and 日期')
    .option('--as-of <date>', 'the day of rows without a 日期 column (default today)')
    .action(
      run(async (tg, file: string, opts: { asOf?: string }) => {
        const table = await readTabularFile(readFileSync(file), basename(file));
        const result = await tg.reports.bookStock.importTable(table, cliActor(), opts.asOf);
        console.log(`imported ${result.imported} book stock rows (${result.dates.join(', ')}) from ${file}`);
      })
    );
}

function formatOf(value: string): Format {
  if (!(Formats as readonly string[]).includes(value)) {
    throw invalid('ARGUMENT_INVALID', `--format "${value}" is not one of ${Formats.join(', ')}`);
  }
  return value as Format;
}

async function output<R>(
  format: Format,
  out: string | undefined,
  fileBase: string,
  whole: unknown,
  columns: ExportColumn<R>[],
  rows: R[],
  table: () => string
): Promise<void> {
  switch (format) {
    case 'table':
      return write(out, table());
    case 'json':
      return write(out, JSON.stringify(whole, null, 2));
    case 'csv':
    case 'xlsx': {
      const file = await exportTable(format, columns, rows, fileBase);
      if (format === 'csv' && out === undefined) {
        process.stdout.write(file.body);
        return;
      }
      const target = out ?? `${fileBase}.${file.extension}`;
      writeFileSync(target, file.body);
      console.log(`wrote ${target}`);
      return;
    }
    default:
      return format satisfies never;
  }
}

function write(out: string | undefined, text: string): void {
  if (out === undefined) {
    console.log(text);
    return;
  }
  writeFileSync(out, `${text}\n`);
  console.log(`wrote ${out}`);
}

function reconciliationTable(report: ReconciliationReport): string {
  const why = (d: DrugReconciliation): string =>
    d.categories
      .filter((c) => c.count !== 0 && c.category !== 'unexplained')
      .map((c) => `${c.label} ${c.count}`)
      .join(' · ');
  const rows = report.drugs.map((d) => [
    d.hisDrugCode,
    d.name ?? '',
    d.book ? String(d.book.quantity) : '-',
    String(d.ledger.inStock),
    `${d.ledger.opened}/${d.ledger.openedUnitsLeft}`,
    d.variance === null ? '-' : String(d.variance),
    d.unexplained === null ? '-' : String(d.unexplained),
    why(d),
  ]);
  const t = report.totals;
  const head = `药帐核对 ${report.asOf}（${report.basis === 'current' ? '当前台账' : '按当日结束时的台账'}）`;
  const foot = `${t.drugs} drugs · ${t.withBook} with book stock · ${t.withVariance} with a variance · variance ${t.variance} · unexplained ${t.unexplained}`;
  return [
    head,
    formatTable(['drug', 'name', 'book', 'in stock', 'opened/units', 'variance', 'unexplained', 'explained by'], rows),
    foot,
  ].join('\n');
}
