import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { defaultFhirCodes } from '../../../adapters/fhir/fhir-config.js';
import { readFhirDispense } from '../../../adapters/fhir/fhir-inbound-channel.js';

/** The JSON block after each `<!-- fhir-example: name -->` marker of docs/fhir-channel.md. */
function examples(): Map<string, string> {
  const doc = readFileSync(new URL('../../../docs/fhir-channel.md', import.meta.url), 'utf8');
  const found = new Map<string, string>();
  for (const m of doc.matchAll(/<!-- fhir-example: (\w+) -->\s*```json\n([\s\S]*?)```/g)) {
    found.set(m[1] as string, m[2] as string);
  }
  return found;
}

describe('FHIR channel: the examples in docs/fhir-channel.md read as documented', () => {
  const docs = examples();
  const read = (name: string) => {
    const text = docs.get(name);
    expect(text, name).to.be.a('string');
    const result = readFhirDispense(new TextEncoder().encode(text), defaultFhirCodes(), 'resource-or-bundle');
    if (!result.ok) {
      throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
    }
    return result.event;
  };

  it('the dispense', () => {
    const e = read('dispense');
    expect(e).to.include({ kind: 'dispense', actor: '药师 张敏', location: '门诊西药房 3号窗口' });
    expect(e.codes).to.deep.equal(['81010010000000000001', '81010010000000000002']);
  });

  it('the return', () => {
    const e = read('return');
    expect(e.kind).to.equal('return');
    expect(e.order).to.include({ prescriptionNo: 'RX20261122001', reason: '患者过敏，未拆封退回' });
  });

  it('the Bundle form', () => {
    expect(read('bundle').codes).to.deep.equal(['81010010000000000001']);
  });
});
