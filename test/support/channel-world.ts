import { InboundService } from '../../core/channels/inbound-service.js';
import type { Store } from '../../core/ports/store.js';
import type { DispenseOrder } from '../../core/window/session.js';
import { defaultWindowPolicy } from '../../core/window/window-policy.js';
import { WindowService } from '../../core/window/window-service.js';
import { demoCode } from '../../plugin/demo/demo-catalog.js';
import { world, type World } from './demo-world.js';

export interface ChannelWorld extends World {
  window: WindowService;
  inbound: InboundService;
  /** 阿托伐他汀钙片 (Y0001) unit codes 1..n, received into stock. */
  stock: string[];
}

/**
 * The core a HIS channel talks to (window + inbound service over a store, in memory unless given), with the demo
 * catalog and `packs` boxes of 阿托伐他汀钙片 (HIS code Y0001) in stock.
 */
export async function channelWorld(packs = 10, store?: Store): Promise<ChannelWorld> {
  const w = await world(store);
  const stock = Array.from({ length: packs }, (_, i) => demoCode('8101001', i + 1));
  await w.ledger.receive({ actor: '库管', scans: stock, lot: 'L1', expiry: '2028-01-31' });
  let n = 0;
  const ids = { next: (prefix: string) => `${prefix}${String(++n).padStart(6, '0')}` };
  const window = new WindowService(w.store, w.catalog, w.ledger, w.clock, ids, defaultWindowPolicy);
  const inbound = new InboundService(w.store, window, w.clock, ids);
  return { ...w, window, inbound, stock };
}

/** A self-pay prescription of `quantity` boxes of 阿托伐他汀钙片 (line 1). */
export function atorvastatinOrder(prescriptionNo: string, quantity: number): DispenseOrder {
  return {
    prescriptionNo,
    visitNo: `MZ-${prescriptionNo}`,
    insuranceVisitId: null,
    patientId: 'P001',
    patientName: '王小明',
    settlementType: 'self_pay',
    settlementId: null,
    doctorName: '李医生',
    lines: [{ lineNo: 1, hisDrugCode: 'Y0001', quantity, unit: '盒' }],
  };
}
