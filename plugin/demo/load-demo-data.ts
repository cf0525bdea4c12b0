import { loadPharmacyHeadDemo } from './demo-pharmacy-head.js';
import type { PackageRelation } from '../../core/hierarchy/package-relation.js';
import type { OrderLine } from '../../core/window/session.js';
import type { Tracegate } from '../tracegate.js';
import { demoCode, demoDrugs } from './demo-catalog.js';

/** 1 case → `middles` middle packs → `perMiddle` units (or case → units directly when middles = 0). */
function caseTree(
  casePrefix: string,
  middlePrefix: string | null,
  unitPrefix: string,
  caseNo: number,
  middles: number,
  perMiddle: number
): PackageRelation[] {
  const rels: PackageRelation[] = [];
  const caseCode = demoCode(casePrefix, caseNo);
  if (!middlePrefix) {
    for (let u = 1; u <= perMiddle; u++) {
      rels.push({
        parentCode: caseCode,
        childCode: demoCode(unitPrefix, (caseNo - 1) * perMiddle + u),
        parentLevel: 3,
        childLevel: 1,
        parentStatus: 'normal',
      });
    }
    return rels;
  }
  for (let m = 1; m <= middles; m++) {
    const middleNo = (caseNo - 1) * middles + m;
    const middleCode = demoCode(middlePrefix, middleNo);
    rels.push({ parentCode: caseCode, childCode: middleCode, parentLevel: 3, childLevel: 2, parentStatus: 'normal' });
    for (let u = 1; u <= perMiddle; u++) {
      rels.push({
        parentCode: middleCode,
        childCode: demoCode(unitPrefix, (middleNo - 1) * perMiddle + u),
        parentLevel: 2,
        childLevel: 1,
        parentStatus: 'normal',
      });
    }
  }
  return rels;
}

const range = (prefix: string, from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => demoCode(prefix, from + i));

/** Load the demo catalog, relations, a receipt and a little window activity, once, into an empty store. */
export async function loadDemoData(tg: Tracegate): Promise<boolean> {
  if ((await tg.catalog.listDrugs()).length > 0) {
    return false;
  }
  await tg.catalog.save(demoDrugs, 'demo', 'import');
  await tg.relations.save([
    ...caseTree('8101003', '8101002', '8101001', 1, 10, 10),
    ...caseTree('8101003', '8101002', '8101001', 2, 10, 10),
    ...caseTree('8102003', null, '8102001', 1, 0, 50),
  ]);
  const receipt = {
    actor: '库管 李强',
    location: '药库',
    ref: 'DN20261120001',
    lot: '20260315',
    expiry: '2028-02-29',
    manufactureDate: '2026-03-15',
  };
  await tg.ledger.receive({
    ...receipt,
    scans: [demoCode('8101003', 1), demoCode('8101003', 2), demoCode('8102003', 1)],
  });
  await tg.ledger.receive({
    ...receipt,
    scans: [
      ...range('8103001', 1, 20),
      ...range('8106001', 1, 10),
      ...range('8107001', 1, 20),
      ...range('8108001', 1, 10),
      ...range('8109001', 1, 10),
      ...range('8110001', 1, 10),
      ...range('8112001', 1, 5),
      ...range('8112011', 1, 5),
    ],
  });
  const gs = '\x1d';
  await tg.ledger.receive({
    actor: '库管 李强',
    location: '药库',
    ref: 'DN20261120002',
    manufactureDate: '2024-12-01',
    scans: Array.from(
      { length: 5 },
      (_, i) => `]d2010540123456789817281231` + `10LOT2411A${gs}21SN${String(i + 1).padStart(6, '0')}`
    ),
  });
  // Window activity through real sessions, so the demo also shows audit trails and 3505/3506 rows.
  const who = { actor: '药师 张敏', roles: ['pharmacist'], location: '门诊西药房 3号窗口' };
  const sell = async (prescriptionNo: string, visitNo: string, line: OrderLine, box: string): Promise<string> => {
    const session = await tg.window.openDispense(
      {
        prescriptionNo,
        visitNo,
        insuranceVisitId: null,
        patientId: 'P0001',
        patientName: '李秀英',
        settlementType: 'self_pay',
        settlementId: null,
        doctorName: '王建国',
        lines: [line],
      },
      who
    );
    await tg.window.scan(session.id, box, who);
    await tg.window.complete(session.id, who);
    return session.id;
  };
  const box = { lineNo: 1, hisDrugCode: 'Y0001', quantity: 1, unit: '盒' };
  await sell('RX20261122001', 'MZ20261122001', box, demoCode('8101001', 1));
  const second = await sell('RX20261122002', 'MZ20261122002', box, demoCode('8101001', 2));
  const ret = await tg.window.openReturn(
    {
      dispenseId: second,
      prescriptionNo: null,
      visitNo: null,
      reason: '患者退药，原盒未拆封',
      lines: [{ lineNo: 1, hisDrugCode: 'Y0001', quantity: 1 }],
    },
    who
  );
  await tg.window.scan(ret.id, demoCode('8101001', 2), who);
  await tg.window.complete(ret.id, who);
  const tablets = { lineNo: 1, hisDrugCode: 'Y0002', quantity: 7, unit: '片' };
  await sell('RX20261122003', 'MZ20261122003', tablets, demoCode('8102001', 1));
  await tg.ledger.apply({
    actor: '药剂科 王主任',
    location: '药库',
    action: 'quarantine',
    reason: '外包装破损待查',
    traceCodes: [demoCode('8103001', 20)],
  });
  if (tg.config.demo.pharmacyHeadDay) {
    await loadPharmacyHeadDemo(tg);
  }
  return true;
}
