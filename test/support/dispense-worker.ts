/**
 * A separate process playing one pharmacy window: dispenses each given code once against a shared store, and
 * prints which codes it won and why it lost the others (JSON on stdout).
 * Usage: tsx dispense-worker.ts <ledger|window> '<store config JSON>' <window name> <start at, epoch ms> <code>…
 * - ledger: LedgerService.apply(dispense) per code;
 * - window: a whole window session per code: open a one-line prescription, scan the box, complete.
 */
import { KnexStore } from '../../adapters/store/knex-store.js';
import { CatalogService } from '../../core/catalog/catalog-service.js';
import { isTracegateError } from '../../core/errors.js';
import { LedgerService } from '../../core/ledger/ledger-service.js';
import { systemClock } from '../../core/ports/clock.js';
import { defaultWindowPolicy } from '../../core/window/window-policy.js';
import { WindowService } from '../../core/window/window-service.js';
import { randomIds } from '../../plugin/random-ids.js';

const [mode, configJson, window, startAt, ...codes] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  ...string[],
];
const store = await KnexStore.open(JSON.parse(configJson));
const catalog = new CatalogService(store, systemClock);
const ledger = new LedgerService(store, store, catalog, systemClock);
const windows = new WindowService(store, catalog, ledger, systemClock, randomIds, defaultWindowPolicy);
const who = { actor: window, roles: ['pharmacist'], location: window };
await catalog.index(); // warm up before the start line

async function dispenseOne(code: string, n: number): Promise<void> {
  if (mode === 'ledger') {
    await ledger.apply({
      actor: window,
      location: window,
      ref: `RX-${window}`,
      action: 'dispense',
      traceCodes: [code],
    });
    return;
  }
  const session = await windows.openDispense(
    {
      prescriptionNo: `RX-${window}-${n}`,
      visitNo: `V-${window}-${n}`,
      insuranceVisitId: null,
      patientId: 'P1',
      patientName: '测试',
      settlementType: 'self_pay',
      settlementId: null,
      doctorName: null,
      lines: [{ lineNo: 1, hisDrugCode: 'Y0006', quantity: 1, unit: '盒' }],
    },
    who
  );
  const scanned = await windows.scan(session.id, code, who);
  if (scanned.result === 'rejected') {
    throw Object.assign(new Error(scanned.problem?.code ?? 'rejected'), { scanCode: scanned.problem?.code });
  }
  await windows.complete(session.id, who);
}

// Every window walks the codes in the same order, so they collide on each pack as often as possible.
await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) - Date.now())));
const won: string[] = [];
const lost: Record<string, number> = {};
for (const [n, code] of codes.entries()) {
  try {
    await dispenseOne(code, n);
    won.push(code);
  } catch (e) {
    const reason = isTracegateError(e)
      ? `${e.code}${e.details?.concurrent ? ' (lost race)' : ''}`
      : ((e as { scanCode?: string }).scanCode ?? String(e));
    lost[reason] = (lost[reason] ?? 0) + 1;
  }
}
await store.close();
process.stdout.write(JSON.stringify({ won, lost }));
