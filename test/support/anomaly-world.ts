/**
 * A ledger with one of each anomaly, made through the real window (open, scan, complete) over any Store at set
 * times: the anomaly contract and the service tests read it back. All in the week before NOW (hospital time).
 */
import type { AnomalyStore } from '../../core/ports/anomaly-store.js';
import type { IdSource } from '../../core/ports/id-source.js';
import type { Store } from '../../core/ports/store.js';
import type { DispenseAgent, DispenseOrder } from '../../core/window/session.js';
import { WindowService, type WindowActor } from '../../core/window/window-service.js';
import { defaultWindowPolicy } from '../../core/window/window-policy.js';
import { demoCode } from '../../plugin/demo/demo-catalog.js';
import { world, type World } from './demo-world.js';

/** 2026-11-22 10:00 in Shanghai: the anomaly run's "now". */
export const NOW = '2026-11-22T02:00:00.000Z';
export const DAY_MS = 24 * 3600_000;
/** `days` before NOW plus `minutes`, as an ISO instant. */
export const at = (days: number, minutes = 0): string =>
  new Date(Date.parse(NOW) - days * DAY_MS + minutes * 60_000).toISOString();
export const PERIOD = { from: at(7), to: NOW };

export const atorvastatin = (n: number): string => demoCode('8101001', n); // Y0001, 集采
export const amoxicillin = (n: number): string => demoCode('8108001', n); // Y0008
export const ibuprofen = (n: number): string => demoCode('8109001', n); // Y0009

export const WINDOW_1: WindowActor = { actor: '药师 张敏', roles: ['pharmacist'], location: '门诊西药房 1号窗口' };
export const WINDOW_2: WindowActor = { actor: '药师 李娜', roles: ['pharmacist'], location: '急诊药房' };

/** Sequential, readable ids (the window's sessions and the service's findings). */
export function counterIds(): IdSource {
  let n = 0;
  return {
    next: (prefix) => `${prefix}${String(++n).padStart(6, '0')}`,
  };
}

export interface AnomalyWorld extends World {
  window: WindowService;
  ids: IdSource;
  /** Open, scan and complete a dispense at `when`; returns its session id. */
  dispense(
    when: string,
    rx: string,
    patient: string,
    lines: { hisDrugCode: string; quantity: number; unit: string }[],
    codes: string[],
    options?: { agent?: DispenseAgent; who?: WindowActor }
  ): Promise<string>;
}

/** A self-pay order of 李岚's for `patient` (patient id P-<name>), its lines numbered from 1. */
export function dispenseOrder(
  rx: string,
  visitNo: string,
  patient: string,
  lines: { hisDrugCode: string; quantity: number; unit: string }[],
  agent?: DispenseAgent | null
): DispenseOrder {
  return {
    prescriptionNo: rx,
    visitNo,
    insuranceVisitId: null,
    patientId: `P-${patient}`,
    patientName: patient,
    settlementType: 'self_pay',
    settlementId: null,
    doctorName: '李岚',
    lines: lines.map((l, i) => ({ lineNo: i + 1, ...l })),
    ...(agent ? { agent } : {}),
  };
}

export async function anomalyWorld(store: Store): Promise<AnomalyWorld> {
  const w = await world(store);
  const ids = counterIds();
  const window = new WindowService(store, w.catalog, w.ledger, w.clock, ids, defaultWindowPolicy);
  return {
    ...w,
    window,
    ids,
    async dispense(when, rx, patient, lines, codes, options = {}) {
      w.clock.current = new Date(when);
      const order = dispenseOrder(rx, `V-${rx}`, patient, lines, options.agent);
      const who = options.who ?? WINDOW_1;
      const session = await window.openDispense(order, who);
      for (const code of codes) {
        await window.scan(session.id, code, who);
      }
      await window.complete(session.id, who);
      return session.id;
    },
  };
}

export const AGENT: DispenseAgent = { name: '王五', phone: '138 0000 1234' };
export const AGENT_PATIENTS = ['赵一', '钱二', '孙三', '李四', '周五', '吴六'];

/**
 * The scenario:
 * - 30 boxes of 阿托伐他汀 and 5 of 阿莫西林 received 20 days ago;
 * - one agent collects six 阿托伐他汀 prescriptions for six names over three days (AGENT_MANY_PATIENTS);
 * - RX-BIG hands out 3 boxes on one line (OVER_QUANTITY with a limit of 2);
 * - a second sale of atorvastatin(1) is attempted on RX-AGAIN and refused (SAME_CODE_SOLD_TWICE);
 * - amoxicillin(1) is sold (RX-R1), returned, and sold again at the other window (RETURNED_CODE_SOLD_AGAIN);
 * - a return on RX-R2 brings amoxicillin(2), which RX-R2 never had (RETURN_NOT_MATCHING);
 * - ibuprofen(1..3), never received, are sold on RX-NR (DISPENSED_NEVER_RECEIVED, SALES_ABOVE_RECEIPTS);
 * - ibuprofen(9), never received, was sold 30 days ago (outside the period).
 */
export async function buildScenario(w: AnomalyWorld): Promise<void> {
  w.clock.current = new Date(at(20));
  await w.ledger.receive({
    actor: '库管 李强',
    location: '药库',
    ref: 'DN-1',
    scans: [...Array.from({ length: 30 }, (_, i) => atorvastatin(i + 1)), ...[1, 2, 3, 4, 5].map(amoxicillin)],
  });
  await w.dispense(at(30), 'RX-OLD', '郑十', [{ hisDrugCode: 'Y0009', quantity: 1, unit: '盒' }], [ibuprofen(9)]);
  for (const [i, patient] of AGENT_PATIENTS.entries()) {
    await w.dispense(
      at(3 - Math.floor(i / 2), i),
      `RX-AG${i + 1}`,
      patient,
      [{ hisDrugCode: 'Y0001', quantity: 1, unit: '盒' }],
      [atorvastatin(i + 1)],
      { agent: i % 2 === 0 ? AGENT : { name: '王五', phone: '+86-13800001234' } }
    );
  }
  await w.dispense(
    at(2, 30),
    'RX-BIG',
    '冯七',
    [{ hisDrugCode: 'Y0001', quantity: 3, unit: '盒' }],
    [atorvastatin(10), atorvastatin(11), atorvastatin(12)]
  );
  // The second sale of atorvastatin(1): refused at the window, the session left open.
  w.clock.current = new Date(at(1, 10));
  const again = await w.window.openDispense(
    {
      prescriptionNo: 'RX-AGAIN',
      visitNo: 'V-AGAIN',
      insuranceVisitId: null,
      patientId: 'P-陈八',
      patientName: '陈八',
      settlementType: 'self_pay',
      settlementId: null,
      doctorName: null,
      lines: [{ lineNo: 1, hisDrugCode: 'Y0001', quantity: 1, unit: '盒' }],
    },
    WINDOW_2
  );
  await w.window.scan(again.id, atorvastatin(1), WINDOW_2);

  await w.dispense(at(2, 60), 'RX-R1', '褚九', [{ hisDrugCode: 'Y0008', quantity: 1, unit: '盒' }], [amoxicillin(1)]);
  w.clock.current = new Date(at(2, 90));
  const back = await w.window.openReturn(
    {
      dispenseId: null,
      prescriptionNo: 'RX-R1',
      visitNo: null,
      reason: '患者退药',
      lines: [{ lineNo: 1, hisDrugCode: 'Y0008', quantity: 1 }],
    },
    WINDOW_1
  );
  await w.window.scan(back.id, amoxicillin(1), WINDOW_1);
  await w.window.complete(back.id, WINDOW_1);
  await w.dispense(at(1, 60), 'RX-R2', '卫十', [{ hisDrugCode: 'Y0008', quantity: 1, unit: '盒' }], [amoxicillin(1)], {
    who: WINDOW_2,
  });
  w.clock.current = new Date(at(1, 120));
  const wrong = await w.window.openReturn(
    {
      dispenseId: null,
      prescriptionNo: 'RX-R2',
      visitNo: null,
      reason: '患者退药',
      lines: [{ lineNo: 1, hisDrugCode: 'Y0008', quantity: 1 }],
    },
    WINDOW_1
  );
  await w.window.scan(wrong.id, amoxicillin(2), WINDOW_1);

  await w.dispense(
    at(1, 180),
    'RX-NR',
    '蒋十一',
    [{ hisDrugCode: 'Y0009', quantity: 3, unit: '盒' }],
    [ibuprofen(1), ibuprofen(2), ibuprofen(3)]
  );
  w.clock.current = new Date(NOW);
}

/** The return session refused in the scenario (its id, for assertions). */
export async function wrongReturnId(anomalies: AnomalyStore): Promise<string | null> {
  const scans = await anomalies.auditedScans(PERIOD, ['RETURN_CODE_NOT_DISPENSED_HERE'], 10);
  return scans[0]?.sessionId ?? null;
}
