/** The daily anomaly run: due at dailyAt hospital time, once per day, once across instances sharing the store. */
import { expect } from 'chai';
import { MemoryAnomalies } from '../../adapters/store/memory-anomalies.js';
import { MemoryStore } from '../../adapters/store/memory-store.js';
import { AnomalyService } from '../../core/anomalies/anomaly-service.js';
import { defaultThresholds } from '../../core/anomalies/thresholds.js';
import { anomaliesConfigSchema, thresholdsOf } from '../../plugin/anomalies-config.js';
import { AnomalyRunner } from '../../plugin/anomaly-runner.js';
import { counterIds } from '../support/anomaly-world.js';
import { TestClock, world } from '../support/demo-world.js';
import { recordingLog } from '../support/recording-log.js';

describe('daily anomaly run', () => {
  it('runs once the hospital clock passes dailyAt, once per day, and once across instances', async () => {
    const store = new MemoryStore();
    const w = await world(store);
    const anomalies = new MemoryAnomalies(store);
    const clock = new TestClock(new Date('2026-11-21T18:00:00Z')); // 02:00 in Shanghai
    const service = () =>
      new AnomalyService(anomalies, store, w.catalog, clock, counterIds(), {
        thresholds: defaultThresholds,
        ownFixmedinsCode: 'H1',
      });
    const config = anomaliesConfigSchema.parse({ dailyAt: '02:30' });
    const log = recordingLog();
    const a = new AnomalyRunner(service(), clock, config, log as never);
    const b = new AnomalyRunner(service(), clock, config, log as never);
    expect(await a.tick()).to.equal(null);
    clock.current = new Date('2026-11-21T18:31:00Z');
    expect(await a.tick()).to.equal('2026-11-22');
    expect(await a.tick()).to.equal(null);
    expect(await b.tick(), 'the other instance finds the day taken').to.equal(null);
    clock.current = new Date('2026-11-22T18:31:00Z');
    expect(await b.tick()).to.equal('2026-11-23');
    expect(log.at('info').map((l) => l.message)).to.deep.equal(['daily anomaly run done', 'daily anomaly run done']);
    const runs = await anomalies.listRuns(10);
    expect(runs.map((r) => [r.runKey, r.trigger, r.state])).to.deep.equal([
      ['daily:2026-11-23', 'daily', 'done'],
      ['daily:2026-11-22', 'daily', 'done'],
    ]);
  });

  it('reads its thresholds from reports.anomalies with documented defaults', () => {
    const c = anomaliesConfigSchema.parse(undefined);
    expect(c).to.deep.include({ enabled: true, dailyAt: '02:30', periodDays: 7 });
    expect(thresholdsOf(c)).to.deep.equal(defaultThresholds);
    expect(() => anomaliesConfigSchema.parse({ dailyAt: '24:00' })).to.throw();
    expect(() => anomaliesConfigSchema.parse({ agent: { minPatients: 1 } })).to.throw();
    expect(
      thresholdsOf(anomaliesConfigSchema.parse({ overQuantity: { perDrug: { Y0001: 4 } } })).overQuantity
    ).to.deep.equal({
      maxBoxesPerLine: 12,
      perDrug: { Y0001: 4 },
    });
  });
});
