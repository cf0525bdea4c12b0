import { expect } from 'chai';
import { FailureStreak } from '../../../adapters/fhir/failure-streak.js';

describe('FHIR channel: failure streak', () => {
  it('backs off from the interval, doubling up to the ceiling; only the first failure of a run is reported', () => {
    const streak = new FailureStreak(1000, 5000);
    const run = [streak.failed(), streak.failed(), streak.failed(), streak.failed()];
    expect(run.map((f) => f.delayMs)).to.deep.equal([1000, 2000, 4000, 5000]);
    expect(run.map((f) => f.first)).to.deep.equal([true, false, false, false]);
    expect(streak.succeeded()).to.equal(4);
    expect(streak.succeeded()).to.equal(0);
    expect(streak.failed()).to.deep.equal({ first: true, delayMs: 1000 });
  });
});
