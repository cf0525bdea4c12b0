/** The hospital's own record of some codes (pack, sales, patients, returns): what a duplicate notice is linked to. */
import type { Drug } from '../catalog/drug.js';
import type { AnomalyStore, CodeEvent } from '../ports/anomaly-store.js';
import type { LedgerStore } from '../ports/ledger-store.js';
import { packView, type HospitalRecord, type HospitalSale } from './anomaly-view.js';

export async function hospitalRecords(
  codes: readonly string[],
  stores: { anomalies: AnomalyStore; ledger: Pick<LedgerStore, 'getPacks'> },
  drugOf: (code: string) => Drug | undefined
): Promise<Map<string, HospitalRecord>> {
  const unique = [...new Set(codes)];
  const [packs, events] = await Promise.all([stores.ledger.getPacks(unique), stores.anomalies.saleEventsOf(unique)]);
  const rxs = [
    ...new Set(
      events
        .filter(isSale)
        .map((e) => e.ref)
        .filter((r): r is string => r !== null)
    ),
  ];
  const dispenses = new Map((await stores.anomalies.dispensesOf(rxs)).map((d) => [d.prescriptionNo, d]));
  const out = new Map<string, HospitalRecord>();
  for (const code of unique) {
    const pack = packs.get(code);
    const own = events.filter((e) => e.traceCode === code).sort((a, b) => a.seq - b.seq);
    const sales: HospitalSale[] = [];
    for (const e of own) {
      if (isSale(e)) {
        const d = e.ref ? dispenses.get(e.ref) : undefined;
        sales.push({
          at: e.occurredAt,
          prescriptionNo: e.ref,
          patientName: d?.patientName ?? null,
          sessionId: d?.sessionId ?? null,
          pharmacist: e.actor,
          location: e.location,
          returnedAt: null,
        });
      } else if (e.action === 'return_to_stock' || e.action === 'return_to_quarantine') {
        const open = [...sales].reverse().find((s) => s.returnedAt === null);
        if (open) {
          open.returnedAt = e.occurredAt;
        }
      }
    }
    out.set(code, { pack: pack ? packView(pack, drugOf) : null, sales });
  }
  return out;
}

function isSale(e: CodeEvent): boolean {
  return e.action === 'dispense' || e.action === 'dispense_units';
}
