#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Command } from 'commander';
import { readTabularFile } from '../adapters/import/tabular-file-reader.js';
import { presentLookup } from '../adapters/http/routes/code-routes.js';
import { importCatalogTable } from '../core/catalog/import-catalog.js';
import { isTracegateError, TracegateError } from '../core/errors.js';
import { startSandbox, type Sandbox } from '../adapters/insurance-sandbox/sandbox-server.js';
import { registerSandboxCommand } from './sandbox-command.js';
import type { TracegateConfig } from './config-schema.js';
import { importRelationTable } from '../core/hierarchy/import-relations.js';
import { demoDefaults } from './demo/demo-defaults.js';
import { loadDemoData } from './demo/load-demo-data.js';
import { formatDoctorTable, runDoctor } from './doctor.js';
import { loadConfig } from './load-config.js';
import { registerUploadsCommand } from './uploads-command.js';
import { registerBookStockImport, registerReportCommand } from './report-command.js';
import { registerInboundCommand } from './inbound-command.js';
import { registerAnomaliesCommand } from './anomalies-command.js';
import { createLogger } from './logger.js';
import type { Tracegate } from './tracegate.js';
import { createTracegate } from './tracegate.js';

interface GlobalOptions {
  config?: string;
  demo?: boolean;
}

const program = new Command('tracegate')
  .description('溯码网关 tracegate: drug trace-code ledger beside the HIS')
  .option('-c, --config <file>', 'YAML configuration file (default: $TRACEGATE_CONFIG, else built-in defaults)')
  .option('--demo', 'use the embedded demo defaults (SQLite under ./data, demo tokens, demo data)')
  .showHelpAfterError();

function configOf(opts: GlobalOptions): TracegateConfig {
  const file = opts.config ?? process.env.TRACEGATE_CONFIG;
  return loadConfig({ file, defaults: opts.demo ? demoDefaults : {} });
}

async function open(opts: GlobalOptions): Promise<Tracegate> {
  return createTracegate(configOf(opts));
}

/** Run a command against an opened tracegate, closing it after; errors print as `CODE: message`, exit 1. */
function action<A extends unknown[]>(fn: (tg: Tracegate, ...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const tg = await open(program.opts<GlobalOptions>());
    try {
      await fn(tg, ...args);
    } finally {
      await tg.stop();
    }
  };
}

program
  .command('migrate')
  .description('apply pending store migrations (forward only)')
  .action(
    action(async (tg) => {
      const applied = await tg.store.migrateLatest();
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'already up to date');
    })
  );

program
  .command('serve')
  .description('run the HTTP API')
  .option('--migrate', 'apply pending migrations before listening (always done for SQLite)')
  .action(async (cmd: { migrate?: boolean }) => {
    const config = configOf(program.opts<GlobalOptions>());
    const sandbox = await startDemoSandbox(config);
    const tg = await createTracegate(config);
    if (cmd.migrate || tg.config.store.client === 'sqlite') {
      await tg.store.migrateLatest();
    }
    if (tg.config.demo.loadWhenEmpty && (await loadDemoData(tg))) {
      tg.log.info('demo data loaded');
    }
    const { url } = await tg.start();
    console.log(`tracegate listening on ${url} (store: ${tg.config.store.client})`);
    if (sandbox) {
      console.log(`insurance sandbox (demo upstream) on ${sandbox.url}, admin ${sandbox.adminUrl}/sandbox/stats`);
      console.log(`insurance proxy: POST ${url}${tg.config.insurance.proxy.prefix}api/rsfComIfsService/callService`);
    }
    const shutdown = (signal: string): void => {
      tg.log.info('shutting down', { signal });
      void tg
        .stop()
        .then(() => sandbox?.stop())
        .then(() => process.exit(0));
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });

program
  .command('doctor')
  .description('check every configured connection and the migration state')
  .action(async () => {
    let tg: Tracegate;
    try {
      tg = await open(program.opts<GlobalOptions>());
    } catch (e) {
      // A store that cannot be opened is a FAIL row like any other, not a crash before the table.
      if (!isTracegateError(e) || e.code !== 'STORE_UNAVAILABLE') {
        throw e;
      }
      console.log(
        formatDoctorTable([
          {
            name: 'store connection',
            ok: false,
            detail: e.message,
            fix: 'check store.* in the configuration and that the database server is running',
          },
        ])
      );
      process.exitCode = 1;
      return;
    }
    try {
      const rows = await runDoctor(tg.healthChecks());
      console.log(formatDoctorTable(rows));
      if (rows.some((r) => !r.ok)) {
        process.exitCode = 1;
      }
    } finally {
      await tg.stop();
    }
  });

const imports = program.command('import').description('import a CSV or XLSX file (all rows or none)');
imports
  .command('catalog <file>')
  .description('the drug catalog (three-code mapping); columns in docs/import-formats.md')
  .option('--actor <name>', 'who is importing (kept in the drug versions)', process.env.USER ?? 'cli')
  .action(
    action(async (tg, file: string, opts: { actor: string }) => {
      const table = await readTabularFile(readFileSync(file), basename(file));
      const result = await importCatalogTable(tg.catalog, table, opts.actor);
      console.log(`imported ${result.imported} drugs from ${file}`);
    })
  );
imports
  .command('relations <file>')
  .description('package relations (大/中/小码): parent, child, levels, status')
  .action(
    action(async (tg, file: string) => {
      const table = await readTabularFile(readFileSync(file), basename(file));
      const result = await importRelationTable(tg.relations, table);
      console.log(`imported ${result.inserted} relations (${result.unchanged} already known) from ${file}`);
    })
  );

program
  .command('code <code>')
  .description('state and history of one trace code')
  .action(
    action(async (tg, code: string) => {
      const lookup = await tg.ledger.lookup(code);
      console.log(JSON.stringify(presentLookup(lookup, await tg.anomalies.noticesOf(lookup.pack.traceCode)), null, 2));
    })
  );

registerUploadsCommand(program, action);
registerReportCommand(program, action);
registerBookStockImport(imports, action);
registerInboundCommand(program, action);
registerAnomaliesCommand(program, imports, action);
registerSandboxCommand(program);

/** With demo.sandbox.enabled and no upstream configured, the platform sandbox runs in this process as the upstream. */
async function startDemoSandbox(config: TracegateConfig): Promise<Sandbox | null> {
  if (!config.demo.sandbox.enabled || config.insurance.upstream.baseUrl) {
    return null;
  }
  const sandbox = await startSandbox({
    port: config.demo.sandbox.port,
    adminPort: config.demo.sandbox.adminPort,
  }).catch((e: unknown) => {
    throw new TracegateError(
      'SANDBOX_PORT_BUSY',
      `the demo insurance sandbox could not listen on port ${config.demo.sandbox.port} (${e instanceof Error ? e.message : String(e)}); set TRACEGATE_DEMO__SANDBOX__PORT and TRACEGATE_DEMO__SANDBOX__ADMIN_PORT to free ports`,
      'unavailable'
    );
  });
  config.insurance.upstream.baseUrl = sandbox.url;
  return sandbox;
}

program.parseAsync(process.argv).catch((e: unknown) => {
  if (isTracegateError(e)) {
    console.error(`${e.code}: ${e.message}`);
    const problems = e.details?.problems;
    if (Array.isArray(problems)) {
      for (const p of problems.slice(0, 50)) {
        console.error(`  ${JSON.stringify(p)}`);
      }
    }
  } else {
    createLogger('error').error('command failed', { error: e instanceof Error ? e.stack : String(e) });
  }
  process.exitCode = 1;
});
