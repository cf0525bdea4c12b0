/**
 * A separate process playing one pharmacy window: dispenses each given code once, in its own random order,
 * against a shared store, and prints which codes it won and why it lost the others (JSON on stdout).
 * Usage: tsx dispense-worker.ts '<store config JSON>' <window name> <start at, epoch ms> <code>…
 */
import { KnexStore } from '../../adapters/store/knex-store.js';
import { CatalogService } from '../../core/catalog/catalog-service.js';
import { isTracegateError } from '../../core/errors.js';
import { LedgerService } from '../../core/ledger/ledger-service.js';
import { systemClock } from '../../core/ports/clock.js';

const [configJson, window, startAt, ...codes] = process.argv.slice(2);
const store = await KnexStore.open(JSON.parse(configJson as string));
const ledger = new LedgerService(store, store, new CatalogService(store, systemClock), systemClock);
// Every window walks the codes in the same order, so they collide on each pack as often as possible.
const order = codes;
ledger.recognize(order[0] as string); // warm up before the start line
// Start together: every process waits for the same wall-clock moment after its own start-up.
await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) - Date.now())));
const won: string[] = [];
const lost: Record<string, number> = {};
for (const code of order) {
  try {
    await ledger.apply({
      actor: window as string,
      location: window,
      ref: `RX-${window}`,
      action: 'dispense',
      traceCodes: [code],
    });
    won.push(code);
  } catch (e) {
    const reason = isTracegateError(e) ? `${e.code}${e.details?.concurrent ? ' (lost race)' : ''}` : String(e);
    lost[reason] = (lost[reason] ?? 0) + 1;
  }
}
await store.close();
process.stdout.write(JSON.stringify({ won, lost }));
