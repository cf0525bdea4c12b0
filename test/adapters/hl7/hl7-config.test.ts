import { expect } from 'chai';
import { hl7ChannelSchema } from '../../../adapters/hl7/hl7-config.js';

describe('hl7ChannelSchema', () => {
  it('fills the documented defaults', () => {
    const config = hl7ChannelSchema.parse({ port: 2575 });
    expect(config).to.deep.include({
      name: 'hl7',
      host: '0.0.0.0',
      port: 2575,
      charset: 'utf-8',
      maxFrameBytes: 1048576,
    });
    expect(config.ack).to.deep.equal({ sendingApplication: 'TRACEGATE', sendingFacility: '' });
    const m = config.mapping;
    expect(m.codes).to.deep.equal({ path: { segment: 'ZTC', field: 2, component: null }, lineField: 1 });
    expect(m.prescriptionNo.map((p) => `${p.segment}.${p.field}`)).to.deep.equal(['ORC.2', 'ORC.3']);
    expect(m.insuranceVisitId).to.deep.equal({ segment: 'PV1', field: 50, component: null });
    expect(m.location).to.equal(null);
    expect(m.rdeO11).to.equal('dispense');
    expect(m.returns).to.deep.equal({ orderControls: ['CR'], negativeQuantity: true });
  });

  it('takes the codes as a segment and field or as a path', () => {
    const path = hl7ChannelSchema.parse({ port: 1, mapping: { codes: { field: 'RXD.35' } } }).mapping.codes;
    expect(path).to.deep.equal({ path: { segment: 'RXD', field: 35, component: null }, lineField: null });
    const z = hl7ChannelSchema.parse({ port: 1, mapping: { codes: { segment: 'ZTC', field: 4, component: 2 } } });
    expect(z.mapping.codes.path).to.deep.equal({ segment: 'ZTC', field: 4, component: 2 });
  });

  it('says what is wrong with a bad setting', () => {
    const messages = (input: unknown) => {
      const r = hl7ChannelSchema.safeParse(input);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(messages({})).to.have.length(1);
    expect(messages({ port: 1, charset: 'big5' })[0]).to.match(/^charset/);
    expect(messages({ port: 1, mapping: { visitNo: 'PV1-19' } })[0]).to.contain('PV1-19');
    expect(messages({ port: 1, mapping: { codes: { field: 2 } } })[0]).to.contain('codes.segment is required');
    expect(messages({ port: 1, name: 'hl7 channel' })[0]).to.match(/^name/);
    expect(messages({ port: 1, extra: true })).to.have.length(1);
  });
});
