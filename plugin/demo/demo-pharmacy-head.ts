/**
 * What the pharmacy head finds in the demo (`npm start`): window activity that the anomaly rules catch (the seed
 * documents' 代办人 case, an attempted second sale of a box, a return of the wrong box, a returned box sold again
 * elsewhere, a box sold that was never received, an over-quantity prescription), a platform duplicate-code notice
 * about a box this hospital sold, HIS book stock that differs from the ledger by what the codes explain (and one box
 * nobody can explain), and one anomaly run, so the dashboard opens with evidence down to the codes.
 */
import type { DispenseOrder, OrderLine } from '../../core/window/session.js';
import type { WindowActor } from '../../core/window/window-service.js';
import type { Tracegate } from '../tracegate.js';
import { demoCode } from './demo-catalog.js';

const window3: WindowActor = { actor: '药师 张敏', roles: ['pharmacist'], location: '门诊西药房 3号窗口' };
const emergency: WindowActor = { actor: '药师 陈晓', roles: ['pharmacist'], location: '急诊药房 1号窗口' };

/** The seed case: one agent collecting 集采 drugs for many names (self-pay, 2 boxes each). */
const agentPatients = [
  '赵桂兰',
  '钱淑珍',
  '孙玉梅',
  '李凤英',
  '周秀云',
  '吴桂芝',
  '郑玉兰',
  '王秀珍',
  '冯玉珍',
  '陈桂英',
];

export async function loadPharmacyHeadDemo(tg: Tracegate): Promise<void> {
  await agentPrescriptions(tg);
  await attemptedSecondSale(tg);
  await wrongBoxReturned(tg);
  await returnedBoxSoldAgain(tg);
  await soldNeverReceived(tg);
  await overQuantity(tg);
  await tg.anomalies.importNoticeObjects(
    [
      {
        drug_trac_codg: demoCode('8101001', 1),
        trac_sn: 'R2026112800017',
        fixmedins_code: 'P31011500873',
        fixmedins_name: '某某大药房（浦东店）',
        medins_list_codg: 'Y0001',
        medins_prod_sel_no: 'PS20261128104512',
        mdtrt_setl_type: '1',
        psn_name: '刘**',
        sel_time: '2026-11-28 10:45:12',
        admdvs: '310115',
      },
    ],
    'demo'
  );
  await bookStock(tg);
  await tg.anomalies.runNow('demo');
}

function order(
  prescriptionNo: string,
  patientName: string,
  lines: OrderLine[],
  agent?: DispenseOrder['agent']
): DispenseOrder {
  return {
    prescriptionNo,
    visitNo: `MZ${prescriptionNo.slice(2)}`,
    insuranceVisitId: null,
    patientId: `P${prescriptionNo.slice(-4)}`,
    patientName,
    settlementType: 'self_pay',
    settlementId: null,
    doctorName: '李岚',
    lines,
    ...(agent ? { agent } : {}),
  };
}

const line = (hisDrugCode: string, quantity: number): OrderLine => ({ lineNo: 1, hisDrugCode, quantity, unit: '盒' });

async function sell(tg: Tracegate, o: DispenseOrder, codes: string[], who = window3): Promise<void> {
  const session = await tg.window.openDispense(o, who);
  for (const code of codes) {
    await tg.window.scan(session.id, code, who);
  }
  await tg.window.complete(session.id, who);
}

async function agentPrescriptions(tg: Tracegate): Promise<void> {
  const agent = { name: '刘建军', phone: '13900001111' };
  let box = 101;
  for (const [i, name] of agentPatients.entries()) {
    const codes = [demoCode('8101001', box++), demoCode('8101001', box++)];
    await sell(tg, order(`RX2026112801${String(i).padStart(2, '0')}`, name, [line('Y0001', 2)], agent), codes);
  }
}

/** A box sold on RX20261122001 scanned again for another patient: refused at the window, kept in the audit. */
async function attemptedSecondSale(tg: Tracegate): Promise<void> {
  const session = await tg.window.openDispense(order('RX20261128201', '马红', [line('Y0001', 1)]), emergency);
  await tg.window.scan(session.id, demoCode('8101001', 1), emergency);
  await tg.window.cancel(session.id, emergency, '原盒已发出，作废');
}

/** A return of RX20261122003 brought a box that was never dispensed on it: refused, audited. */
async function wrongBoxReturned(tg: Tracegate): Promise<void> {
  const session = await tg.window.openReturn(
    {
      dispenseId: null,
      prescriptionNo: 'RX20261122001',
      visitNo: null,
      reason: '患者要求退药',
      lines: [{ lineNo: 1, hisDrugCode: 'Y0001', quantity: 1 }],
    },
    window3
  );
  await tg.window.scan(session.id, demoCode('8101001', 150), window3);
  await tg.window.cancel(session.id, window3, '退回的药盒不是本处方发出的');
}

/** The box returned on RX20261122002 (back in stock at window 3) sold again at the emergency pharmacy. */
async function returnedBoxSoldAgain(tg: Tracegate): Promise<void> {
  await sell(tg, order('RX20261128301', '黄志强', [line('Y0001', 1)]), [demoCode('8101001', 2)], emergency);
}

/** A box of 盐酸二甲双胍缓释片 that no receipt brought in (policy warn: an implicit receipt is recorded). */
async function soldNeverReceived(tg: Tracegate): Promise<void> {
  await sell(tg, order('RX20261128401', '林小燕', [line('Y0006', 1)]), [demoCode('8106001', 99)]);
}

/** 13 boxes of 厄贝沙坦氢氯噻嗪片 on one line (the default limit is 12). */
async function overQuantity(tg: Tracegate): Promise<void> {
  const codes = Array.from({ length: 13 }, (_, i) => demoCode('8103001', i + 1));
  await sell(tg, order('RX20261128501', '何建国', [line('Y0003', 13)]), codes);
}

/**
 * The HIS's book stock as the ledger's stock moved by what the codes explain (a quarantined box the HIS still counts,
 * a box sold that the ledger never received…), and one box of 阿托伐他汀钙片 more that nothing explains.
 */
async function bookStock(tg: Tracegate): Promise<void> {
  const report = await tg.reports.reconciliation.report({});
  const today = tg.reports.bookStock.today();
  const rows = report.drugs
    .filter((d) => d.ledger.inStock > 0 || d.ledger.dispensed > 0)
    .map((d) => {
      const explained = d.categories.reduce((sum, c) => sum + c.effect * c.count, 0);
      const unexplained = d.hisDrugCode === 'Y0001' ? 1 : 0;
      return {
        hisDrugCode: d.hisDrugCode,
        quantity: Math.max(0, d.ledger.inStock + explained + unexplained),
        units: null,
        asOf: today,
      };
    });
  await tg.reports.bookStock.save(rows, 'import', 'HIS 药库 导出', { unknownDrugs: 'skip' });
}
