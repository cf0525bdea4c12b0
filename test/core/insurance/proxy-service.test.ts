import { expect } from 'chai';
import { MemoryStore } from '../../../adapters/store/memory-store.js';
import { MsgIdSource } from '../../../core/insurance/msgid-source.js';
import { ProxyService, type ProxyAnswer, type ProxyMode } from '../../../core/insurance/proxy-service.js';
import { WindowService } from '../../../core/window/window-service.js';
import { defaultWindowPolicy } from '../../../core/window/window-policy.js';
import { demoCode } from '../../../plugin/demo/demo-catalog.js';
import { world } from '../../support/demo-world.js';
import { accept, failure, queryAnswer, reply, returnRow, saleRow, ScriptedPlatform } from './outbox-fixtures.js';

const unit = (n: number): string => demoCode('8101001', n);

let serial = 0;
function request(
  infno: string,
  input: Record<string, unknown>,
  msgid = `H31011500001202611291000${String(++serial).padStart(6, '0')}`
) {
  const body = Buffer.from(JSON.stringify({ infno, msgid, opter: 'his01', opter_name: '张敏', input }));
  return { path: '/fsi/api/rsfComIfsService/callService', headers: {}, body, sourceIp: '127.0.0.1' };
}

async function setup(mode: ProxyMode = 'sync') {
  const store = new MemoryStore();
  const w = await world(store);
  w.clock.current = new Date('2026-11-29T02:00:00.000Z');
  let ids = 0;
  const window = new WindowService(
    store,
    w.catalog,
    w.ledger,
    w.clock,
    { next: (prefix) => `${prefix}${String(++ids).padStart(4, '0')}` },
    defaultWindowPolicy
  );
  await w.ledger.receive({ actor: '库管', scans: [1, 2, 3, 4, 5].map(unit), lot: 'L1', expiry: '2028-01-31' });
  const platform = new ScriptedPlatform();
  const msgids = new MsgIdSource('H31011500001');
  const proxy = new ProxyService(
    {
      window,
      ledger: w.ledger,
      ledgerStore: store,
      sessions: store,
      uploads: store,
      proxy: store,
      catalog: w.catalog,
      upstream: platform,
      msgids,
      clock: w.clock,
    },
    {
      mode,
      holdMs: 300_000,
      settleAfterMs: 0,
      completion: { defaults: {}, staff: [] },
      institution: {
        fixmedinsCode: 'H31011500001',
        fixmedinsName: '某某医院',
        mdtrtareaAdmvs: '310115',
        insuplcAdmdvs: '310115',
        recerSysCode: 'YBXT',
        infver: 'V1.0',
      },
      operator: { opterType: '1', opter: 'tracegate', opterName: '溯码网关' },
    }
  );
  return { store, w, platform, proxy };
}

function envelopeOf(answer: ProxyAnswer): Record<string, unknown> {
  switch (answer.kind) {
    case 'upstream':
      return JSON.parse(answer.reply.raw.toString('utf8')) as Record<string, unknown>;
    case 'envelope':
      // As the HIS receives it: the JSON text of the envelope.
      return JSON.parse(JSON.stringify(answer.body)) as Record<string, unknown>;
    case 'stored':
      return JSON.parse(answer.text) as Record<string, unknown>;
    default:
      return answer satisfies never;
  }
}

const sale = (bchno: string, codes: string[], over: Record<string, unknown> = {}) =>
  request('3505', { selinfo: saleRow(bchno, codes, { fixmedins_hilist_id: 'Y0001', mdtrt_sn: 'MZ001', ...over }) });

describe('the insurance proxy (sync mode)', () => {
  it('relays a 3505 whose codes pass, then the ledger says dispensed and the HIS row is a delivered upload', async () => {
    const { store, platform, proxy } = await setup();
    const answer = await proxy.handle(sale('HIS-1', [unit(1), unit(2)]));
    expect(answer.kind).to.equal('upstream');
    expect(envelopeOf(answer).infcode).to.equal(0);
    expect(platform.infnos()).to.deep.equal(['3505']);
    expect((await store.getPacks([unit(1)])).get(unit(1))?.state).to.equal('dispensed');
    expect(await store.getUploadByKey('HIS-1')).to.include({ state: 'delivered', source: 'proxy' });
  });

  it('refuses the same code again naming it, without asking the platform', async () => {
    const { platform, proxy } = await setup();
    await proxy.handle(sale('HIS-1', [unit(1)]));
    const again = envelopeOf(await proxy.handle(sale('HIS-2', [unit(1)])));
    expect(again.infcode).to.equal(-1);
    expect(again.err_msg).to.contain(unit(1)).and.contain('CODE_ALREADY_DISPENSED');
    expect(String(again.err_msg).length).to.be.at.most(200);
    expect(platform.received).to.have.length(1);
  });

  it('refuses a code twice in one message, a count that does not match, a foreign drug, an unknown code', async () => {
    const { platform, proxy } = await setup();
    const twice = request('3505A', {
      selinfoDetail: [
        saleRow('HIS-1', [unit(1)], { mdtrt_sn: 'MZ001' }),
        saleRow('HIS-2', [unit(1)], { mdtrt_sn: 'MZ001' }),
      ],
    });
    expect(envelopeOf(await proxy.handle(twice)).err_msg).to.contain('CODE_TWICE_IN_MESSAGE');
    expect(envelopeOf(await proxy.handle(sale('HIS-3', [unit(1)], { sel_retn_cnt: 2 }))).err_msg).to.contain(
      '应扫2盒，实扫1盒'
    );
    const foreign = await proxy.handle(sale('HIS-4', [unit(1)], { fixmedins_hilist_id: 'Y0002' }));
    expect(envelopeOf(foreign).err_msg).to.contain(unit(1));
    expect(envelopeOf(await proxy.handle(sale('HIS-5', ['12345']))).infcode).to.equal(-1);
    expect(platform.received).to.have.length(0);
  });

  it('the same rows resent under a new msgid (the answer was lost) get success, not a second sale', async () => {
    const { platform, proxy } = await setup();
    await proxy.handle(sale('HIS-1', [unit(1)]));
    const resent = envelopeOf(await proxy.handle(sale('HIS-1', [unit(1)])));
    expect(resent).to.include({ infcode: 0 });
    expect(resent.warn_msg).to.contain('重复提交');
    expect(platform.received).to.have.length(1);
    const other = envelopeOf(await proxy.handle(sale('HIS-1', [unit(2), unit(1)], { sel_retn_cnt: 2 })));
    expect(other.infcode).to.equal(-1);
  });

  it('a platform refusal leaves the ledger as it was and the packs free', async () => {
    const { store, platform, proxy } = await setup();
    platform.script = () => reply({ infcode: 0, output: { result: { retRslt: '0', msgRslt: '人员信息不存在' } } });
    const answer = envelopeOf(await proxy.handle(sale('HIS-1', [unit(1)])));
    expect(answer.output).to.deep.equal({ result: { retRslt: '0', msgRslt: '人员信息不存在' } });
    expect((await store.getPacks([unit(1)])).get(unit(1))?.state).to.equal('in_stock');
    platform.script = accept;
    expect(envelopeOf(await proxy.handle(sale('HIS-2', [unit(1)]))).infcode).to.equal(0);
  });

  it('a repeated msgid gets the stored answer, not a second decision', async () => {
    const { platform, proxy } = await setup();
    const first = sale('HIS-1', [unit(1)]);
    const a = envelopeOf(await proxy.handle(first));
    const b = envelopeOf(await proxy.handle({ ...first }));
    expect(b).to.deep.equal(a);
    expect(platform.received).to.have.length(1);
  });

  it('a platform that does not answer keeps the packs held until a query settles it', async () => {
    const { store, w, platform, proxy } = await setup();
    platform.script = () => failure('ambiguous');
    const answer = envelopeOf(await proxy.handle(sale('HIS-1', [unit(1)])));
    expect(answer.err_msg).to.contain('UPSTREAM_UNCERTAIN');
    const meanwhile = envelopeOf(await proxy.handle(sale('HIS-2', [unit(1)])));
    expect(meanwhile.err_msg).to.contain('CODE_HELD');
    platform.script = (e) => (e.infno === '3511' ? queryAnswer(['HIS-1']) : accept(e));
    w.clock.current = new Date(w.clock.current.getTime() + 1000);
    expect(await proxy.settleInflight()).to.equal(1);
    expect((await store.getPacks([unit(1)])).get(unit(1))?.state).to.equal('dispensed');
    expect(await store.getUploadByKey('HIS-1')).to.include({ state: 'delivered' });
  });

  it('refuses a return of a box that was not dispensed on that sale, accepts the right one', async () => {
    const { store, platform, proxy } = await setup();
    await proxy.handle(sale('HIS-1', [unit(1), unit(2)]));
    const wrong = request('3506', { selinfo: returnRow('RT-1', 'HIS-1', [unit(3)]) });
    const refusedAnswer = envelopeOf(await proxy.handle(wrong));
    expect(refusedAnswer.infcode).to.equal(-1);
    expect(refusedAnswer.err_msg).to.contain(unit(3));
    const right = request('3506', {
      selinfo: { ...returnRow('RT-2', 'HIS-1', [unit(2)]), fixmedins_hilist_id: 'Y0001' },
    });
    expect(envelopeOf(await proxy.handle(right)).infcode).to.equal(0);
    expect((await store.getPacks([unit(2)])).get(unit(2))?.state).to.equal('in_stock');
    expect(platform.infnos()).to.deep.equal(['3505', '3506']);
  });

  it('passes other transactions through untouched, and answers an envelope error for bytes that are no JSON', async () => {
    const { platform, proxy } = await setup();
    const other = await proxy.handle(request('1101', { data: { psn_no: '1' } }));
    expect(other.kind).to.equal('upstream');
    expect(platform.infnos()).to.deep.equal(['1101']);
    const gbk = await proxy.handle({
      path: '/fsi/x',
      headers: {},
      body: Buffer.from([0xd6, 0xd0, 0xce, 0xc4]),
      sourceIp: '127.0.0.1',
    });
    expect(envelopeOf(gbk)).to.include({ infcode: -1 });
    expect(envelopeOf(gbk).err_msg).to.contain('ENVELOPE_NOT_JSON');
  });
});

describe('the insurance proxy (store-and-forward mode)', () => {
  it('accepts a checked 3505 at once with a warn_msg, queues the HIS row, and changes the ledger now', async () => {
    const { store, platform, proxy } = await setup('store-and-forward');
    const answer = envelopeOf(await proxy.handle(sale('HIS-1', [unit(1)])));
    expect(answer).to.include({ infcode: 0 });
    expect(answer.warn_msg).to.contain('暂存');
    expect(platform.received).to.have.length(0);
    expect(await store.getUploadByKey('HIS-1')).to.include({ state: 'pending', source: 'proxy' });
    expect((await store.getPacks([unit(1)])).get(unit(1))?.state).to.equal('dispensed');
  });

  it('refuses a row the platform would refuse, naming the field, before accepting anything', async () => {
    const { store, proxy } = await setup('store-and-forward');
    const answer = envelopeOf(await proxy.handle(sale('HIS-1', [unit(1)], { phar_name: '' })));
    expect(answer.err_msg).to.contain('phar_name');
    expect(await store.getUploadByKey('HIS-1')).to.equal(undefined);
    expect((await store.getPacks([unit(1)])).get(unit(1))?.state).to.equal('in_stock');
  });
});

describe('the insurance proxy: stock changes (3502) and deletions (3507) follow the platform', () => {
  const change = (bchno: string, type: string, codes: string[]) =>
    request('3502', {
      invinfo: {
        med_list_codg: 'XC10AAA034A001010100445',
        inv_chg_type: type,
        fixmedins_hilist_id: 'Y0001',
        fixmedins_hilist_name: '阿托伐他汀钙片',
        fixmedins_bchno: bchno,
        pric: '12.5',
        cnt: codes.length,
        rx_flag: '1',
        inv_chg_time: '2026-11-29 10:00:00',
        trdn_flag: '0',
        drugtracinfo: codes.map((c) => ({ drug_trac_codg: c })),
      },
    });
  const state = async (store: MemoryStore, c: string) => (await store.getPacks([c])).get(c)?.state;

  it('销毁 scraps the packs once the platform accepts; an illegal change is refused before the platform is asked', async () => {
    const { store, platform, proxy } = await setup();
    expect(envelopeOf(await proxy.handle(change('CHG-1', '105', [unit(1)]))).infcode).to.equal(0);
    expect(await state(store, unit(1))).to.equal('scrapped');
    expect(await store.getUploadByKey('CHG-1#2')).to.include({ infno: '3502', state: 'delivered', source: 'proxy' });
    const again = envelopeOf(await proxy.handle(change('CHG-2', '102', [unit(1)])));
    expect(again.infcode).to.equal(-1);
    expect(again.err_msg).to.contain(unit(1));
    expect(platform.infnos()).to.deep.equal(['3502']);
  });

  it('调拨出库 then 调拨入库 takes a pack out and back; a refusal by the platform changes nothing', async () => {
    const { store, platform, proxy } = await setup();
    await proxy.handle(change('CHG-1', '102', [unit(2)]));
    expect(await state(store, unit(2))).to.equal('transferred_out');
    platform.script = () => reply({ infcode: -1, err_msg: '库存变更类型错误' });
    await proxy.handle(change('CHG-2', '101', [unit(2)]));
    expect(await state(store, unit(2))).to.equal('transferred_out');
    platform.script = accept;
    await proxy.handle(change('CHG-3', '101', [unit(2)]));
    expect(await state(store, unit(2))).to.equal('in_stock');
  });

  it('a stock change the platform did not answer stays in flight (pack held) until its 3509 query says it took effect', async () => {
    const { store, w, platform, proxy } = await setup();
    platform.script = () => failure('ambiguous');
    const answer = envelopeOf(await proxy.handle(change('CHG-9', '105', [unit(5)])));
    expect(answer.err_msg).to.contain('UPSTREAM_UNCERTAIN');
    expect(await state(store, unit(5))).to.equal('in_stock');
    expect(envelopeOf(await proxy.handle(sale('HIS-9', [unit(5)]))).err_msg).to.contain('CODE_HELD');
    platform.script = (e) => (e.infno === '3509' ? queryAnswer(['CHG-9']) : accept(e));
    w.clock.current = new Date(w.clock.current.getTime() + 1000);
    expect(await proxy.settleInflight()).to.equal(1);
    expect(await state(store, unit(5))).to.equal('scrapped');
    expect(platform.infnos().slice(-1)).to.deep.equal(['3509']);
  });

  it('a deletion the platform did not answer is settled by 3511: the sale gone → its packs back in stock', async () => {
    const { store, w, platform, proxy } = await setup();
    await proxy.handle(sale('HIS-7', [unit(3)]));
    platform.script = () => failure('ambiguous');
    await proxy.handle(request('3507', { data: { fixmedins_bchno: 'HIS-7', inv_data_type: '4' } }));
    expect(await state(store, unit(3))).to.equal('dispensed');
    platform.script = (e) => (e.infno === '3511' ? queryAnswer([]) : accept(e));
    w.clock.current = new Date(w.clock.current.getTime() + 1000);
    expect(await proxy.settleInflight()).to.equal(1);
    expect(await state(store, unit(3))).to.equal('in_stock');
  });

  it('a 3503 purchase (no codes) is relayed and kept as delivered, keyed with its data type beside a sale of the same bchno', async () => {
    const { store, platform, proxy } = await setup();
    await proxy.handle(sale('SAME-1', [unit(4)]));
    const purchase = request('3503', {
      purcinfo: { fixmedins_bchno: 'SAME-1', fixmedins_hilist_id: 'Y0001', purc_retn_cnt: 10 },
    });
    expect(envelopeOf(await proxy.handle(purchase)).infcode).to.equal(0);
    expect(platform.infnos()).to.deep.equal(['3505', '3503']);
    expect(await store.getUploadByKey('SAME-1')).to.include({ infno: '3505' });
    expect(await store.getUploadByKey('SAME-1#3')).to.include({ infno: '3503', state: 'delivered' });
  });

  it('a 3507 deleting a sale puts its packs back in stock, after the platform accepts', async () => {
    const { store, proxy } = await setup();
    await proxy.handle(sale('HIS-1', [unit(3)]));
    expect(await state(store, unit(3))).to.equal('dispensed');
    const undo = await proxy.handle(request('3507', { data: { fixmedins_bchno: 'HIS-1', inv_data_type: '4' } }));
    expect(envelopeOf(undo).infcode).to.equal(0);
    expect(await state(store, unit(3))).to.equal('in_stock');
    expect(envelopeOf(await proxy.handle(sale('HIS-2', [unit(3)]))).infcode).to.equal(0);
  });
});
