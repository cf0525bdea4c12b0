/**
 * The AnomalyStore contract: what the rules read and what the store keeps, run unchanged against the memory twin
 * and KnexAnomalies on SQLite, PostgreSQL and MariaDB. The ledger is made through the real window (anomaly-world.ts).
 */
import { expect } from 'chai';
import type { Finding } from '../../core/anomalies/anomaly.js';
import { AnomalyService } from '../../core/anomalies/anomaly-service.js';
import type { DuplicateNotice } from '../../core/anomalies/duplicate-notice.js';
import { defaultThresholds } from '../../core/anomalies/thresholds.js';
import type { AnomalyStore } from '../../core/ports/anomaly-store.js';
import type { Store } from '../../core/ports/store.js';
import {
  AGENT_PATIENTS,
  anomalyWorld,
  amoxicillin,
  at,
  atorvastatin,
  buildScenario,
  ibuprofen,
  NOW,
  PERIOD,
  wrongReturnId,
  type AnomalyWorld,
} from '../support/anomaly-world.js';

export interface AnomalyHandle {
  store: Store;
  anomalies: AnomalyStore & { truncate(): Promise<void> };
  close(): Promise<void>;
}

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    type: 'SAME_CODE_SOLD_TWICE',
    subjectKey: atorvastatin(1),
    risk: 'medium',
    hisDrugCode: 'Y0001',
    traceCodes: [atorvastatin(1)],
    evidence: { attempts: [{ patientName: '陈八' }] },
    summary: '追溯码 … 已拦截',
    occurredAt: at(1),
    ...overrides,
  };
}

function notice(n: number, overrides: Partial<DuplicateNotice> = {}): DuplicateNotice {
  return {
    id: `N${String(n).padStart(6, '0')}`,
    noticeKey: `rid:R${n}`,
    kind: 'resold',
    traceCode: atorvastatin(1),
    traceSerialNo: `R${n}`,
    fixmedinsCode: 'P31011500012',
    fixmedinsName: '某某大药房',
    medinsListCodg: null,
    medListCodg: 'XC10AAA034A001010100445',
    fixmedinsBchno: null,
    saleSerialNo: null,
    mdtrtId: null,
    mdtrtSetlType: '1',
    bkkpSn: null,
    trdnFlag: '0',
    psnNo: null,
    psnName: '赵一',
    saleTime: '2026-11-21 10:00:00',
    region: '310115',
    importedAt: at(0, -60),
    importedBy: '药剂科 王主任',
    source: 'notices.csv',
    extra: { 备注: '平台下发' },
    ...overrides,
  };
}

export function anomalyContract(name: string, open: () => Promise<AnomalyHandle>): void {
  describe(`AnomalyStore contract: ${name}`, function () {
    this.timeout(120_000);
    let h: AnomalyHandle;
    let w: AnomalyWorld;

    before(async () => {
      h = await open();
      await h.store.truncateAll();
      await h.anomalies.truncate();
      w = await anomalyWorld(h.store);
      await buildScenario(w);
    });
    after(async () => {
      await h?.close();
    });

    describe('what the rules read', () => {
      it('finds codes sold again in the period with every sale, return and correction of theirs', async () => {
        const events = await h.anomalies.repeatSaleEvents(PERIOD, 100);
        expect(events.map((e) => [e.traceCode, e.action, e.ref?.startsWith('RX') ? e.ref : 'T'])).to.deep.equal([
          [amoxicillin(1), 'dispense', 'RX-R1'],
          [amoxicillin(1), 'return_to_stock', 'T'],
          [amoxicillin(1), 'dispense', 'RX-R2'],
        ]);
        expect(events[0]).to.include({ hisDrugCode: 'Y0008', actor: '药师 张敏', location: '门诊西药房 1号窗口' });
        expect(events[2]).to.include({ location: '急诊药房' });
        expect(await h.anomalies.repeatSaleEvents(PERIOD, 2)).to.have.length(2);
        expect(await h.anomalies.repeatSaleEvents({ from: at(60), to: at(10) }, 100)).to.deep.equal([]);
      });

      it('reads refused scans by code and period, with their session and the pack as it is now', async () => {
        const [attempt, ...rest] = await h.anomalies.auditedScans(PERIOD, ['CODE_ALREADY_DISPENSED'], 10);
        expect(rest).to.deep.equal([]);
        expect(attempt).to.include({ code: 'CODE_ALREADY_DISPENSED', traceCode: atorvastatin(1), actor: '药师 李娜' });
        expect(attempt!.session).to.deep.include({
          kind: 'dispense',
          state: 'open',
          prescriptionNo: 'RX-AGAIN',
          patientName: '陈八',
        });
        expect(attempt!.pack).to.deep.include({ hisDrugCode: 'Y0001', state: 'dispensed', ref: 'RX-AG1' });
        const returns = await h.anomalies.auditedScans(
          PERIOD,
          ['RETURN_CODE_NOT_DISPENSED_HERE', 'CODE_ALREADY_DISPENSED'],
          10
        );
        expect(returns.map((s) => s.code)).to.deep.equal(['CODE_ALREADY_DISPENSED', 'RETURN_CODE_NOT_DISPENSED_HERE']);
        expect(returns[1]!.session).to.deep.include({ kind: 'return', prescriptionNo: 'RX-R2', patientName: null });
        expect(
          await h.anomalies.auditedScans({ from: at(60), to: at(10) }, ['CODE_ALREADY_DISPENSED'], 10)
        ).to.deep.equal([]);
      });

      it('finds sales in the period right after an implicit receipt, and counts them per drug', async () => {
        const sales = await h.anomalies.unreceivedSales(PERIOD, 100);
        expect(sales.map((s) => s.traceCode)).to.deep.equal([ibuprofen(1), ibuprofen(2), ibuprofen(3)]);
        expect(sales[0]).to.include({
          hisDrugCode: 'Y0009',
          prescriptionNo: 'RX-NR',
          packState: 'dispensed',
          actor: '药师 张敏',
        });
        expect(await h.anomalies.unreceivedSales(PERIOD, 1)).to.have.length(1);
        expect(
          (await h.anomalies.unreceivedSales({ from: at(40), to: at(20) }, 100)).map((s) => s.traceCode)
        ).to.deep.equal([ibuprofen(9)]);
        expect(await h.anomalies.drugSales(PERIOD, 1)).to.deep.equal([
          { hisDrugCode: 'Y0009', sold: 3, unreceived: 3 },
        ]);
        expect(await h.anomalies.drugSales(PERIOD, 4)).to.deep.equal([]);
      });

      it('groups completed dispenses by agent contact (phone written two ways is one contact)', async () => {
        expect(await h.anomalies.agentContacts(PERIOD, 6, 6)).to.deep.equal(['tel:13800001234']);
        expect(await h.anomalies.agentContacts(PERIOD, 7, 2)).to.deep.equal([]);
        expect(await h.anomalies.agentContacts({ from: at(2), to: NOW }, 6, 2)).to.deep.equal([]);
        const sessions = await h.anomalies.sessionsOfContacts(PERIOD, ['tel:13800001234'], 100);
        expect(sessions.map((s) => (s.order as { patientName: string }).patientName)).to.deep.equal(AGENT_PATIENTS);
        expect(await h.anomalies.sessionsOfContacts(PERIOD, ['tel:13800001234'], 2)).to.have.length(2);
      });

      it('finds completed dispenses with a line above a number of boxes', async () => {
        const big = await h.anomalies.sessionsAboveBoxes(PERIOD, 2, 100);
        expect(big.map((s) => (s.order as { prescriptionNo: string }).prescriptionNo)).to.deep.equal([
          'RX-BIG',
          'RX-NR',
        ]);
        expect(await h.anomalies.sessionsAboveBoxes(PERIOD, 3, 100)).to.deep.equal([]);
      });

      it('reads completed dispenses by prescription, and the sale events of codes', async () => {
        const records = await h.anomalies.dispensesOf(['RX-AG1', 'RX-R2', 'RX-AGAIN', 'RX-NONE']);
        expect(records.map((r) => [r.prescriptionNo, r.patientName, r.contact])).to.deep.equal([
          ['RX-AG1', '赵一', 'tel:13800001234'],
          ['RX-R2', '卫十', null],
        ]);
        const events = await h.anomalies.saleEventsOf([amoxicillin(1), atorvastatin(2), 'NOT-A-CODE']);
        expect(events.map((e) => [e.traceCode, e.action])).to.deep.equal([
          [atorvastatin(2), 'dispense'],
          [amoxicillin(1), 'dispense'],
          [amoxicillin(1), 'return_to_stock'],
          [amoxicillin(1), 'dispense'],
        ]);
      });
    });

    describe('findings and runs', () => {
      beforeEach(async () => {
        await h.anomalies.truncate();
      });

      it('inserts a finding once and updates it on the next run, keeping its status and note', async () => {
        expect(await h.anomalies.saveFindings('G1', at(1), [finding()], ['A1'])).to.deep.equal({
          inserted: 1,
          updated: 0,
        });
        const first = (await h.anomalies.getAnomaly('A1'))!;
        expect(first).to.deep.include({
          status: 'open',
          firstSeenAt: at(1),
          lastSeenAt: at(1),
          runId: 'G1',
          risk: 'medium',
        });
        expect(first.evidence).to.deep.equal({ attempts: [{ patientName: '陈八' }] });
        const marked = await h.anomalies.setStatus('A1', {
          status: 'acknowledged',
          note: '已通知医务处',
          actor: '王主任',
          at: at(0),
        });
        expect(marked).to.deep.include({
          status: 'acknowledged',
          note: '已通知医务处',
          statusBy: '王主任',
          statusAt: at(0),
        });
        const again = await h.anomalies.saveFindings('G2', NOW, [finding({ risk: 'high', summary: '新摘要' })], ['A2']);
        expect(again).to.deep.equal({ inserted: 0, updated: 1 });
        const list = await h.anomalies.listAnomalies({});
        expect(list).to.have.length(1);
        expect(list[0]).to.deep.include({
          id: 'A1',
          risk: 'high',
          summary: '新摘要',
          firstSeenAt: at(1),
          lastSeenAt: NOW,
          runId: 'G2',
          status: 'acknowledged',
          note: '已通知医务处',
        });
        expect(
          await h.anomalies.setStatus('NO-SUCH', { status: 'dismissed', note: null, actor: 'x', at: NOW })
        ).to.equal(undefined);
        expect(await h.anomalies.getAnomaly('NO-SUCH')).to.equal(undefined);
      });

      it('filters, counts and orders findings (newest first) and reads their times for the trend', async () => {
        await h.anomalies.saveFindings(
          'G1',
          NOW,
          [
            finding(),
            finding({
              type: 'DISPENSED_NEVER_RECEIVED',
              subjectKey: ibuprofen(1),
              risk: 'medium',
              hisDrugCode: 'Y0009',
              traceCodes: [ibuprofen(1)],
              occurredAt: at(2),
            }),
            finding({
              type: 'AGENT_MANY_PATIENTS',
              subjectKey: 'name:王五',
              risk: 'high',
              hisDrugCode: 'Y0001',
              traceCodes: [atorvastatin(1), atorvastatin(2)],
              occurredAt: at(3),
            }),
          ],
          ['A1', 'A2', 'A3']
        );
        expect((await h.anomalies.listAnomalies({})).map((a) => a.id)).to.deep.equal(['A1', 'A2', 'A3']);
        expect((await h.anomalies.listAnomalies({ limit: 1, offset: 1 })).map((a) => a.id)).to.deep.equal(['A2']);
        expect((await h.anomalies.listAnomalies({ risk: 'high' })).map((a) => a.id)).to.deep.equal(['A3']);
        expect((await h.anomalies.listAnomalies({ hisDrugCode: 'Y0001' })).map((a) => a.id)).to.deep.equal([
          'A1',
          'A3',
        ]);
        expect((await h.anomalies.listAnomalies({ traceCode: atorvastatin(2) })).map((a) => a.id)).to.deep.equal([
          'A3',
        ]);
        expect((await h.anomalies.listAnomalies({ traceCode: atorvastatin(1) })).map((a) => a.id)).to.deep.equal([
          'A1',
          'A3',
        ]);
        expect((await h.anomalies.listAnomalies({ from: at(2, -1), to: at(1, -1) })).map((a) => a.id)).to.deep.equal([
          'A2',
        ]);
        expect(
          (await h.anomalies.listAnomalies({ type: 'AGENT_MANY_PATIENTS', status: 'open' })).map((a) => a.id)
        ).to.deep.equal(['A3']);
        expect(await h.anomalies.countAnomalies({ hisDrugCode: 'Y0001', limit: 1 })).to.deep.equal({
          byType: { SAME_CODE_SOLD_TWICE: 1, AGENT_MANY_PATIENTS: 1 },
          byRisk: { medium: 1, high: 1 },
          total: 2,
        });
        const times = await h.anomalies.anomalyTimes(at(2, -1));
        expect(times.map((t) => t.type).sort()).to.deep.equal(['DISPENSED_NEVER_RECEIVED', 'SAME_CODE_SOLD_TWICE']);
      });

      it('records one run per run key and lists runs newest first', async () => {
        const run = {
          id: 'G1',
          runKey: 'daily:2026-11-22',
          trigger: 'daily' as const,
          actor: 'tracegate',
          startedAt: at(0, -5),
          finishedAt: null,
          periodFrom: at(7),
          periodTo: NOW,
          params: { periodDays: 7 },
          counts: null,
          state: 'running' as const,
          error: null,
        };
        expect(await h.anomalies.startRun(run)).to.equal(true);
        expect(await h.anomalies.startRun({ ...run, id: 'G2' })).to.equal(false);
        expect(
          await h.anomalies.startRun({ ...run, id: 'G3', runKey: 'manual:G3', trigger: 'manual', startedAt: NOW })
        ).to.equal(true);
        const counts = { byType: {}, byRisk: {}, inserted: 2, updated: 1, limited: [] } as never;
        await h.anomalies.finishRun('G1', NOW, { counts });
        await h.anomalies.finishRun('G3', NOW, { error: 'boom' });
        const runs = await h.anomalies.listRuns(10);
        expect(runs.map((r) => [r.id, r.state])).to.deep.equal([
          ['G3', 'failed'],
          ['G1', 'done'],
        ]);
        expect(runs[1]).to.deep.include({ finishedAt: NOW, counts, params: { periodDays: 7 }, trigger: 'daily' });
        expect(runs[0]!.error).to.equal('boom');
      });
    });

    describe('duplicate notices', () => {
      beforeEach(async () => {
        await h.anomalies.truncate();
      });

      it('keeps each notice once (same key in a batch, or imported again)', async () => {
        expect(await h.anomalies.saveNotices([notice(1), notice(2), notice(3, { noticeKey: 'rid:R1' })])).to.deep.equal(
          {
            inserted: 2,
            unchanged: 1,
          }
        );
        expect(await h.anomalies.saveNotices([notice(4, { noticeKey: 'rid:R2' }), notice(5)])).to.deep.equal({
          inserted: 1,
          unchanged: 1,
        });
        const all = await h.anomalies.listNotices({});
        expect(all.map((n) => n.id).sort()).to.deep.equal(['N000001', 'N000002', 'N000005']);
        expect(all.find((n) => n.id === 'N000001')).to.deep.include({
          psnName: '赵一',
          region: '310115',
          extra: { 备注: '平台下发' },
        });
      });

      it('lists and counts notices by code, kind and import time, and finds them by code', async () => {
        await h.anomalies.saveNotices([
          notice(1),
          notice(2, { kind: 'counterfeit', traceCode: atorvastatin(2), importedAt: at(2) }),
          notice(3, { kind: 'counterfeit', traceCode: atorvastatin(2), importedAt: at(2) }),
        ]);
        expect((await h.anomalies.listNotices({ kind: 'counterfeit' })).map((n) => n.id)).to.deep.equal([
          'N000002',
          'N000003',
        ]);
        expect((await h.anomalies.listNotices({ from: at(1) })).map((n) => n.id)).to.deep.equal(['N000001']);
        expect(await h.anomalies.listNotices({ limit: 1 })).to.have.length(1);
        expect(await h.anomalies.countNotices({})).to.deep.equal({ total: 3, byKind: { resold: 1, counterfeit: 2 } });
        expect(await h.anomalies.countNotices({ traceCode: atorvastatin(1) })).to.deep.equal({
          total: 1,
          byKind: { resold: 1 },
        });
        expect((await h.anomalies.noticesOf([atorvastatin(2)])).map((n) => n.id)).to.deep.equal(['N000002', 'N000003']);
        expect(await h.anomalies.noticesOf(['NOT-A-CODE'])).to.deep.equal([]);
      });
    });

    describe('a whole run through the service', () => {
      it('finds one of each anomaly of the scenario, once, and updates them on a second run', async () => {
        await h.anomalies.truncate();
        const service = new AnomalyService(h.anomalies, h.store, w.catalog, w.clock, w.ids, {
          thresholds: {
            ...defaultThresholds,
            agent: { ...defaultThresholds.agent, minPatients: 5, minPrescriptions: 5 },
            overQuantity: { maxBoxesPerLine: 12, perDrug: { Y0001: 2 } },
            salesAboveReceipts: { minUnreceived: 3, highRatio: 0.5 },
          },
          ownFixmedinsCode: 'H31011500001',
        });
        const run = await service.runNow('药剂科 王主任');
        expect(run.counts!.byType).to.deep.equal({
          SAME_CODE_SOLD_TWICE: 1,
          DISPENSED_NEVER_RECEIVED: 3,
          SALES_ABOVE_RECEIPTS: 1,
          RETURN_NOT_MATCHING: 1,
          RETURNED_CODE_SOLD_AGAIN: 1,
          AGENT_MANY_PATIENTS: 1,
          OVER_QUANTITY: 1,
        });
        expect(run.counts).to.deep.include({ inserted: 9, updated: 0, limited: [] });
        const { anomalies } = await service.list({});
        const byType = new Map(anomalies.map((a) => [a.type, a]));
        expect(byType.get('AGENT_MANY_PATIENTS')).to.deep.include({
          risk: 'medium',
          hisDrugCode: 'Y0001',
          drugName: '阿托伐他汀钙片',
        });
        expect(byType.get('RETURNED_CODE_SOLD_AGAIN')).to.deep.include({ risk: 'high', traceCodes: [amoxicillin(1)] });
        expect(byType.get('RETURN_NOT_MATCHING')!.evidence.returnId).to.equal(await wrongReturnId(h.anomalies));
        expect(byType.get('OVER_QUANTITY')!.evidence).to.deep.include({ prescriptionNo: 'RX-BIG' });
        const second = await service.runNow('药剂科 王主任');
        expect(second.counts).to.deep.include({ inserted: 0, updated: 9 });
        expect(await service.listRuns()).to.have.length(2);
      });
    });
  });
}
