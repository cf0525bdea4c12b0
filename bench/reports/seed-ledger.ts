/**
 * A hospital's year in tracegate's PostgreSQL tables, written with SQL (generate_series), not through the API: at 10 M
 * codes the HTTP path would take hours (BENCHMARKS.md: 5,800 codes/s through the receipt path at that size); this
 * takes minutes. The schema is tracegate's own (the migrations run first), the rows are what tracegate would have
 * written, and every anomaly rule finds something in the last 7 days.
 *
 * Shape, for `codes` = 2 × 1,000 × P (P pairs per drug):
 * - tg_drugs: 1,000 drugs D0000–D0999, 10 units per pack; every tenth is 集采 (vbp_flag); one 7-digit prefix each
 *   (81 + the drug number), so a code `81ddddd` + 13-digit serial names its drug.
 * - tg_packs: the codes as pairs of two boxes of one drug received together (one delivery note per 500 pairs, spread
 *   evenly over the 365 days before the seeding) and, when sold, sold together on one prescription 0–10 days later
 *   (what would fall after the seeding's now has not happened: those packs are still in stock).
 *   Per pair (`k` = a hash of the pair): 60 % dispensed, 33 % in stock, 2 % opened (拆零, 4 of 10 units left),
 *   2 % quarantined, 2 % scrapped, 1 % transferred out. Of the dispensed: 0.5 % returned to stock a day later,
 *   0.01 % returned and sold again two days later at another place, 0.01 % sold, corrected back to stock and sold
 *   again without a return (SAME_CODE_SOLD_TWICE in the ledger).
 * - tg_pack_events: receive (seq 1) for every code, the second event for all but the in-stock ones, the returns,
 *   corrections and resales: about 1.7 events per code. Implicit receipts (发药时补记入库, details
 *   {"implicit":true,…}, at the sale's moment): 0.5 % of the dispensed pairs everywhere, plus every tenth pair of
 *   the 20 drugs D0007, D0057, … (so SALES_ABOVE_RECEIPTS fires for them).
 * - tg_business_rows: a 3505 per dispensed pair (two codes in drugtracinfo, his_drug_code filled) and per resale, a
 *   3506 per return, delivered a minute later except the last hour's (pending), 0.1 % dead and 0.1 % stuck pending;
 *   a 3501 inventory count per drug dated 60 days back. tg_upload_keys: the code: and bchno: keys of every row.
 * - tg_sessions: the completed dispense sessions (and return sessions) of the last `sessionDays` days, with the
 *   columns 0006 added (patient_name, contact, max_boxes) and a document the anomaly rules parse. 20 agents (代办人,
 *   contact tel:…) collect every tenth prescription of the 集采 drugs, each for a different patient; 1 in 2,000
 *   prescriptions hands out 13–26 boxes on its line (OVER_QUANTITY).
 * - tg_audit: codes/1,000 refusals spread over the year: 40 % CODE_ALREADY_DISPENSED on a dispense session, 40 %
 *   RETURN_CODE_NOT_DISPENSED_HERE on a return session, 20 % CODE_ALREADY_RECEIVED.
 * - tg_book_stock: each drug's HIS book for today, yesterday and 30 days back as a HIS would have it (the packs in
 *   stock, opened or quarantined then, what left or was refused since the count, less what was sold unreceived), one
 *   drug in three off by −3…+3 packs that nothing explains.
 */
import pg from 'pg';

export interface SeedOptions {
  /** Codes to create (rounded down to a multiple of 2,000). */
  codes: number;
  /** The seeding's "now" (ISO, UTC); every row is before it. */
  now: string;
  /** Days of dispense and return sessions kept in tg_sessions. */
  sessionDays: number;
  log: (line: string) => void;
}

export interface SeedResult {
  codes: number;
  steps: { step: string; seconds: number; rows: number | null }[];
}

export const DRUGS = 1000;

/** `timestamp` (UTC) → tracegate's ISO text (yyyy-MM-ddTHH:mm:ss.SSSZ). */
const iso = (expr: string): string => `to_char(${expr}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A Shanghai calendar day (yyyy-MM-dd) of a UTC instant. */
export function shanghaiDay(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

function pairsSql(pairsPerDrug: number, now: string, sessionDays: number): string {
  const total = pairsPerDrug * DRUGS;
  const end = `(timestamp '${now.replace('T', ' ').replace('Z', '')}')`;
  const start = `(${end} - interval '365 days')`;
  return `
create unlogged table bench_pairs as
with g as (
  select p, d, p * ${DRUGS} + d as pid, (p * 7 + d * 13) % 1000 as k, (p * 7919 + d * 6271) % 10000 as h,
    ${start} + ((p * ${DRUGS} + d)::float8 / ${total}) * interval '365 days' as recv
  from generate_series(0, ${pairsPerDrug - 1}) p cross join generate_series(0, ${DRUGS - 1}) d
), w as (
  select g.*,
    case when k < 600 then 'dispensed' when k < 930 then 'in_stock' when k < 950 then 'opened'
      when k < 970 then 'quarantined' when k < 990 then 'scrapped' else 'transferred_out' end as planned,
    recv + ((p * 31 + d) % 240) * interval '1 hour' as t2
  from g
), x as (
  -- What would happen after the seeding's now has not happened yet: those packs are still in stock.
  select w.*, case when t2 > ${end} - interval '10 minutes' then 'in_stock' else planned end as kind from w
), y as (
  select x.*,
    kind = 'dispensed' and ((p + d) % 200 = 0 or (d % 50 = 7 and p % 10 = 0)) as imp,
    case when kind <> 'dispensed' or t2 > ${end} - interval '3 days' then null
      when h < 50 then 'ret' when h = 50 then 'resold' when h = 51 then 'twice' end as rare,
    t2 + interval '1 day' as t3,
    t2 + interval '2 days' as t4
  from x
)
select pid, p, d, k, kind, imp, rare, recv, t2, t3, t4,
  'D' || lpad(d::text, 4, '0') as drug,
  '81' || lpad(d::text, 5, '0') || lpad((2 * p)::text, 13, '0') as code0,
  '81' || lpad(d::text, 5, '0') || lpad((2 * p + 1)::text, 13, '0') as code1,
  'RX' || pid as rx,
  ${iso('recv')} as recv_s, ${iso('t2')} as t2_s, ${iso('t3')} as t3_s, ${iso('t4')} as t4_s,
  t2 >= ${end} - interval '${sessionDays} days' as recent,
  case when d % 10 = 0 and p % 10 = 0 then ((p / 10) + d / 10) % 20 end as agent,
  case when (p * 7919 + d * 31) % 2000 = 1 then 13 + p % 14 else 2 end as boxes
from y;
alter table bench_pairs add primary key (pid);`;
}

const codeOf = `case v.j when 0 then code0 else code1 end`;
const bothCodes = `cross join (values (0), (1)) v(j)`;

const DRUG_NAMES = [
  ['阿托伐他汀钙片', '20mg*7片'],
  ['甲钴胺片', '0.5mg*20片'],
  ['厄贝沙坦氢氯噻嗪片', '150mg:12.5mg*7片'],
  ['苯磺酸氨氯地平片', '5mg*28片'],
  ['盐酸二甲双胍缓释片', '0.5g*30片'],
  ['阿莫西林胶囊', '0.25g*24粒'],
  ['硝苯地平控释片', '30mg*12片'],
  ['瑞舒伐他汀钙片', '10mg*7片'],
];

function statements(o: { pairs: number; now: string; sessionDays: number }): { step: string; sql: string }[] {
  const end = `(timestamp '${o.now.replace('T', ' ').replace('Z', '')}')`;
  const names = DRUG_NAMES.map(([n, s]) => `('${n}', '${s}')`).join(', ');
  const today = shanghaiDay(new Date(o.now));
  const dayBefore = (n: number): string => shanghaiDay(new Date(Date.parse(o.now) - n * 86_400_000));
  /** End of a Shanghai day as a UTC timestamp. */
  const dayEnd = (day: string) => `(timestamp '${day} 16:00:00')`;
  const countDay = dayBefore(60);
  // What the HIS would book as of `until`: the packs in stock, opened or quarantined then, plus what the ledger shows
  // leaving (scrapped, transferred out) and refused (received twice, returned but not ours) since the count, less
  // what it sold without a receipt since the count — the report's explained categories — and, for one drug in three,
  // −3…+3 packs nobody can explain.
  const windowStart = dayEnd(countDay);
  const book = (day: string, until: string) => `
    insert into tg_book_stock (his_drug_code, as_of, quantity, units, source, recorded_at, recorded_by)
    select s.drug, '${day}',
      s.n + coalesce(a.n, 0) + case when right(s.drug, 4)::int % 3 = 0 then right(s.drug, 4)::int % 7 - 3 else 0 end,
      null, 'import', ${iso(end)}, '药剂科-赵主任'
    from (
      select drug, 2 * (
        count(*) filter (where recv < ${until} and not imp and (kind = 'in_stock' or t2 >= ${until}
          or (rare = 'ret' and t3 < ${until}) or (rare in ('resold', 'twice') and t3 < ${until} and t4 >= ${until})))
        + count(*) filter (where kind in ('opened', 'quarantined') and t2 < ${until})
        + count(*) filter (where kind in ('scrapped', 'transferred_out') and t2 >= ${windowStart} and t2 < ${until})
        - count(*) filter (where imp and t2 >= ${windowStart} and t2 < ${until})) as n
      from bench_pairs group by drug
    ) s
    left join (
      select 'D' || substr(trace_code, 4, 4) as drug, count(*) as n from tg_audit
      where code in ('CODE_ALREADY_RECEIVED', 'RETURN_CODE_NOT_DISPENSED_HERE')
        and at >= ${iso(windowStart)} and at < ${iso(until)}
      group by 1
    ) a on a.drug = s.drug`;
  return [
    {
      step: 'drugs and prefixes',
      sql: `
insert into tg_drugs (his_drug_code, insurance_code, name, spec, manufacturer, rx_flag, vbp_flag, units_per_pack, unit_name,
  barcode69, exempt, exempt_reason, version, updated_at, updated_by)
select 'D' || lpad(d::text, 4, '0'), 'XC' || lpad(d::text, 10, '0'), n.name || '（' || d || '）', n.spec, '示范药业',
  1, case when d % 10 = 0 then 1 else 0 end, 10, '片', null, 0, null, 1, ${iso(end)}, 'bench'
from generate_series(0, ${DRUGS - 1}) d
join (select row_number() over () - 1 as i, name, spec from (values ${names}) t(name, spec)) n on n.i = d % ${DRUG_NAMES.length};
insert into tg_drug_prefixes (prefix, his_drug_code, pack_level, unit_count)
select '81' || lpad(d::text, 5, '0'), 'D' || lpad(d::text, 4, '0'), 1, 1 from generate_series(0, ${DRUGS - 1}) d;`,
    },
    { step: 'pairs (helper table)', sql: pairsSql(o.pairs, o.now, o.sessionDays) },
    {
      step: 'tg_packs',
      sql: `
insert into tg_packs (trace_code, his_drug_code, state, units_remaining, lot, expiry, manu_date, seq, updated_at, location, ref)
select ${codeOf}, drug,
  case when rare = 'ret' then 'in_stock' else kind end,
  case when kind = 'opened' then 4 end,
  'L' || (p % 50), '2028-06-30', '2025-06-30',
  case when kind = 'in_stock' then 1 when rare = 'ret' then 3 when rare in ('resold', 'twice') then 4 else 2 end,
  case when kind = 'in_stock' then recv_s when rare = 'ret' then t3_s when rare in ('resold', 'twice') then t4_s else t2_s end,
  case when rare in ('resold', 'twice') then '急诊药房' when kind in ('dispensed', 'opened') then '门诊西药房' else '药库' end,
  case when kind = 'in_stock' then 'DN' || (pid / 500) when rare = 'ret' then 'T' || pid
    when rare in ('resold', 'twice') then rx || 'B' when kind in ('dispensed', 'opened') then rx else 'OP' || pid end
from bench_pairs ${bothCodes}`,
    },
    {
      step: 'tg_pack_events: receipts',
      sql: `
insert into tg_pack_events (trace_code, seq, action, from_state, to_state, units, occurred_at, actor, location, ref, reason, details)
select ${codeOf}, 1, 'receive', null, 'in_stock', null,
  case when imp then t2_s else recv_s end,
  case when imp then '门诊药房-李四' else '药库-王五' end,
  case when imp then '门诊西药房' else '药库' end,
  case when imp then rx else 'DN' || (pid / 500) end, null,
  case when imp then '{"implicit":true,"prescriptionNo":"' || rx || '"}' end
from bench_pairs ${bothCodes}`,
    },
    {
      step: 'tg_pack_events: sales, 拆零, quarantine, scrap, transfer out',
      sql: `
insert into tg_pack_events (trace_code, seq, action, from_state, to_state, units, occurred_at, actor, location, ref, reason, details)
select ${codeOf}, 2,
  case kind when 'dispensed' then 'dispense' when 'opened' then 'dispense_units' when 'quarantined' then 'quarantine'
    when 'scrapped' then 'scrap' else 'transfer_out' end,
  'in_stock', kind, case when kind = 'opened' then 6 end, t2_s,
  case when kind in ('dispensed', 'opened') then '门诊药房-李四' else '药库-王五' end,
  case when kind in ('dispensed', 'opened') then '门诊西药房' else '药库' end,
  case when kind in ('dispensed', 'opened') then rx else 'OP' || pid end,
  case kind when 'scrapped' then '破损' when 'transferred_out' then '调拨至分院' when 'quarantined' then '疑似质量问题' end,
  null
from bench_pairs ${bothCodes} where kind <> 'in_stock'`,
    },
    {
      step: 'tg_pack_events: returns, corrections, resales',
      sql: `
insert into tg_pack_events (trace_code, seq, action, from_state, to_state, units, occurred_at, actor, location, ref, reason, details)
select ${codeOf}, 3, case when rare = 'twice' then 'correct' else 'return_to_stock' end, 'dispensed', 'in_stock', null, t3_s,
  case when rare = 'twice' then '药剂科-赵主任' else '门诊药房-李四' end, '门诊西药房',
  case when rare = 'twice' then 'C' || pid else 'T' || pid end,
  case when rare = 'twice' then '发药后更正' else '患者退药' end, null
from bench_pairs ${bothCodes} where rare is not null;
insert into tg_pack_events (trace_code, seq, action, from_state, to_state, units, occurred_at, actor, location, ref, reason, details)
select ${codeOf}, 4, 'dispense', 'in_stock', 'dispensed', null, t4_s, '急诊药房-孙七', '急诊药房', rx || 'B', null, null
from bench_pairs ${bothCodes} where rare in ('resold', 'twice')`,
    },
    {
      step: 'tg_business_rows: 3505, 3506, 3501',
      sql: `
insert into tg_business_rows (id, infno, business_key, session_id, payload, created_at, state, source, attempts, last_msgid,
  updated_at, delivered_at, his_drug_code)
select id, infno, bkey, sid, json_build_object(
    'med_list_codg', 'XC' || lpad(d::text, 10, '0'), 'fixmedins_hilist_id', drug, 'fixmedins_hilist_name', '药品' || d,
    'fixmedins_bchno', bkey, 'rx_flag', '1', 'sel_retn_cnt', 2, 'mdtrt_sn', 'MZ' || pid, 'mdtrt_setl_type', '2',
    'psn_name', '患者' || (pid % 40000), 'setl_id', null, 'rxno', rxno, 'prsc_dr_name', '王建国',
    'sel_retn_time', replace(substr(at_s, 1, 19), 'T', ' '), 'sel_retn_opter_name', '李四', 'phar_name', '李四',
    'rtal_docno', rxno, 'manu_lotnum', 'L' || (p % 50), 'expy_end', '2028-06-30', 'manu_date', '2025-06-30',
    'drugtracinfo', json_build_array(json_build_object('drug_trac_codg', code0), json_build_object('drug_trac_codg', code1))
  )::text,
  at_s,
  case when at_ts >= ${end} - interval '1 hour' then 'pending' when fate = 1 then 'dead'
    when fate = 2 then 'pending' else 'delivered' end,
  'window',
  case when at_ts >= ${end} - interval '1 hour' or fate = 2 then 0 when fate = 1 then 50 else 1 end,
  case when at_ts < ${end} - interval '1 hour' and fate > 2 then 'H' || id end,
  case when at_ts >= ${end} - interval '1 hour' or fate = 2 then at_s
    when fate = 1 then ${iso("at_ts + interval '2 hours'")} else ${iso("at_ts + interval '1 minute'")} end,
  case when at_ts < ${end} - interval '1 hour' and fate > 2 then ${iso("at_ts + interval '1 minute'")} end,
  drug
from (
  -- fate: 1 in 1,000 given up (dead), 1 in 1,000 never sent (pending), the rest delivered a minute later.
  select u.*, (p * 7919 + d * 37 + id % 4) % 1000 as fate from (
  select pid * 4 + 1 as id, '3505' as infno, 'S' || pid || '-1' as bkey, 'D' || pid as sid, rx as rxno, t2 as at_ts,
    t2_s as at_s, pid, p, d, drug, code0, code1
  from bench_pairs where kind = 'dispensed'
  union all
  select pid * 4 + 2, '3505', 'S' || pid || 'B-1', 'D' || pid || 'B', rx || 'B', t4, t4_s, pid, p, d, drug, code0, code1
  from bench_pairs where rare in ('resold', 'twice')
  union all
  select pid * 4 + 3, '3506', 'R' || pid || '-1', 'T' || pid, rx, t3, t3_s, pid, p, d, drug, code0, code1
  from bench_pairs where rare in ('ret', 'resold')
  ) u
) r;
insert into tg_business_rows (id, infno, business_key, session_id, payload, created_at, state, source, attempts, last_msgid,
  updated_at, delivered_at, his_drug_code)
select ${o.pairs * DRUGS * 4} + d + 1, '3501', 'INV${countDay.replace(/-/g, '')}-' || d, 'INV${countDay.replace(/-/g, '')}',
  json_build_object('med_list_codg', 'XC' || lpad(d::text, 10, '0'), 'fixmedins_hilist_id', 'D' || lpad(d::text, 4, '0'),
    'fixmedins_hilist_name', '药品' || d, 'fixmedins_bchno', 'INV${countDay.replace(/-/g, '')}-' || d, 'rx_flag', '1',
    'invdate', '${countDay}', 'inv_cnt', 100 + d % 400, 'manu_lotnum', 'L1', 'manu_date', '2025-06-30',
    'expy_end', '2028-06-30')::text,
  ${iso(dayEnd(countDay))}, 'delivered', 'ledger', 1, 'HINV' || d, ${iso(dayEnd(countDay))}, ${iso(dayEnd(countDay))},
  'D' || lpad(d::text, 4, '0')
from generate_series(0, ${DRUGS - 1}) d;
select setval(pg_get_serial_sequence('tg_business_rows', 'id'), (select max(id) from tg_business_rows))`,
    },
    {
      step: 'tg_upload_keys',
      sql: `
insert into tg_upload_keys (row_id, order_key, key_no)
select b.id, k.key, k.no from tg_business_rows b
join bench_pairs x on x.pid = b.id / 4
cross join lateral (values ('code:' || x.code0, 0), ('code:' || x.code1, 1), ('bchno:' || b.business_key, 2),
  (case when b.infno = '3506' then 'bchno:S' || x.pid || '-1' end, 3)) k(key, no)
where b.infno in ('3505', '3506') and k.key is not null;
insert into tg_upload_keys (row_id, order_key, key_no)
select id, 'bchno:' || business_key, 0 from tg_business_rows where infno = '3501'`,
    },
    {
      step: `tg_sessions (the last ${o.sessionDays} days)`,
      sql: `
insert into tg_sessions (id, kind, state, prescription_no, visit_no, location, created_at, created_by, completed_at, version, doc,
  patient_name, contact, max_boxes)
select sid, 'dispense', 'completed', rxno, 'MZ' || pid, loc, created_s, '门诊药房-李四', done_s, 3,
  json_build_object(
    'id', sid, 'kind', 'dispense', 'state', 'completed', 'location', loc, 'createdAt', created_s,
    'createdBy', '门诊药房-李四',
    'order', json_build_object('prescriptionNo', rxno, 'visitNo', 'MZ' || pid, 'insuranceVisitId', null,
      'patientId', 'P' || pid, 'patientName', patient, 'settlementType', case when agent is null then 'insured' else 'self_pay' end,
      'settlementId', null, 'doctorName', '王建国',
      'lines', json_build_array(json_build_object('lineNo', 1, 'hisDrugCode', drug, 'quantity', boxes, 'unit', '盒')),
      'agent', case when agent is null then null else json_build_object('name', '代办人' || agent,
        'phone', '139' || lpad(agent::text, 8, '0')) end),
    'plan', json_build_array(json_build_object('lineNo', 1, 'hisDrugCode', drug, 'drugName', '药品' || d, 'exempt', false,
      'packs', boxes, 'splitUnits', 0, 'unitsPerPack', 10, 'lot', null, 'expiry', null)),
    'scans', json_build_array(
      json_build_object('seq', 1, 'raw', code0, 'traceCode', code0, 'result', 'accepted', 'problem', null,
        'assignments', json_build_array(json_build_object('traceCode', code0, 'lineNo', 1, 'role', 'whole', 'units', null,
          'stateAtScan', 'in_stock', 'via', null)), 'at', created_s, 'actor', '门诊药房-李四', 'withdrawn', false),
      json_build_object('seq', 2, 'raw', code1, 'traceCode', code1, 'result', 'accepted', 'problem', null,
        'assignments', json_build_array(json_build_object('traceCode', code1, 'lineNo', 1, 'role', 'whole', 'units', null,
          'stateAtScan', 'in_stock', 'via', null)), 'at', created_s, 'actor', '门诊药房-李四', 'withdrawn', false)),
    'completedAt', done_s, 'completedBy', '门诊药房-李四', 'override', null, 'version', 3
  )::text,
  patient, case when agent is null then null else 'tel:139' || lpad(agent::text, 8, '0') end, boxes
from (
  select 'D' || pid as sid, rx as rxno, pid, d, drug, code0, code1, agent, boxes, '门诊西药房' as loc,
    '患者' || pid as patient, ${iso("t2 - interval '2 minutes'")} as created_s, t2_s as done_s
  from bench_pairs where kind = 'dispensed' and recent
  union all
  select 'D' || pid || 'B', rx || 'B', pid, d, drug, code0, code1, null, 2, '急诊药房', '患者' || pid || 'B',
    ${iso("t4 - interval '2 minutes'")}, t4_s
  from bench_pairs where rare in ('resold', 'twice') and t4 >= ${end} - interval '${o.sessionDays} days'
) s;
insert into tg_sessions (id, kind, state, prescription_no, visit_no, location, created_at, created_by, completed_at, version, doc,
  patient_name, contact, max_boxes)
select 'T' || pid, 'return', 'completed', rx, 'MZ' || pid, '门诊西药房', ${iso("t3 - interval '2 minutes'")}, '门诊药房-李四',
  t3_s, 3,
  json_build_object('id', 'T' || pid, 'kind', 'return', 'state', 'completed', 'location', '门诊西药房',
    'createdAt', ${iso("t3 - interval '2 minutes'")}, 'createdBy', '门诊药房-李四',
    'order', json_build_object('dispenseId', 'D' || pid, 'prescriptionNo', rx, 'visitNo', 'MZ' || pid, 'reason', '患者退药',
      'lines', json_build_array(json_build_object('lineNo', 1, 'hisDrugCode', drug, 'quantity', 2))),
    'plan', json_build_array(json_build_object('lineNo', 1, 'hisDrugCode', drug, 'drugName', '药品' || d, 'exempt', false,
      'packs', 2, 'splitUnits', 0, 'unitsPerPack', 10, 'lot', null, 'expiry', null)),
    'scans', json_build_array(), 'completedAt', t3_s, 'completedBy', '门诊药房-李四', 'override', null, 'version', 3)::text,
  null, null, null
from bench_pairs where rare in ('ret', 'resold') and t3 >= ${end} - interval '${o.sessionDays} days'`,
    },
    {
      step: 'tg_audit refusals',
      sql: `
insert into tg_audit (at, actor, role, action, session_id, raw, trace_code, code, reason)
select ${iso('a.at')}, '门诊药房-李四', 'pharmacist', 'scan_refused', s.id, c.code, c.code,
  case when a.i % 5 < 2 then 'CODE_ALREADY_DISPENSED' when a.i % 5 < 4 then 'RETURN_CODE_NOT_DISPENSED_HERE'
    else 'CODE_ALREADY_RECEIVED' end,
  case when a.i % 5 < 2 then '同一药盒不能重复发药' when a.i % 5 < 4 then '该药盒不是本院发出的' else '该药盒已入库' end
from (
  select i, ${end} - interval '365 days' + (i::float8 / ${Math.max(1, (o.pairs * DRUGS * 2) / 1000)}) * interval '365 days'
    - interval '3 minutes' as at
  from generate_series(1, ${Math.max(1, (o.pairs * DRUGS * 2) / 1000)}) i
) a
left join lateral (
  select id from tg_sessions
  where kind = case when a.i % 5 < 2 then 'dispense' else 'return' end and state = 'completed'
    and created_at >= ${iso('a.at')} and a.i % 5 < 4
  order by kind, state, created_at limit 1
) s on true
cross join lateral (
  select case when a.i % 2 = 0 then code0 else code1 end as code from bench_pairs
  where pid = (a.i * 7919) % ${o.pairs * DRUGS} and kind = case when a.i % 5 < 4 then 'dispensed' else kind end
  union all
  select code0 from bench_pairs where pid = (a.i * 7919) % ${o.pairs * DRUGS} - 1
  limit 1
) c`,
    },
    {
      step: 'tg_book_stock',
      sql: `${book(today, `${end} + interval '1 day'`)};
${book(dayBefore(1), dayEnd(dayBefore(1)))};
${book(dayBefore(30), dayEnd(dayBefore(30)))}`,
    },
    { step: 'drop the helper table', sql: 'drop table bench_pairs' },
  ];
}

/** Seeds an empty, migrated tracegate database (the caller ran the migrations). */
export async function seedLedger(connection: pg.ClientConfig, o: SeedOptions): Promise<SeedResult> {
  const pairs = Math.floor(o.codes / (2 * DRUGS));
  if (pairs < 1) {
    throw new Error(`--codes ${o.codes}: at least ${2 * DRUGS}`);
  }
  const client = new pg.Client(connection);
  await client.connect();
  const steps: SeedResult['steps'] = [];
  try {
    await client.query('set jit = off');
    await client.query("set maintenance_work_mem = '512MB'");
    await client.query("set work_mem = '256MB'");
    for (const s of statements({ pairs, now: o.now, sessionDays: o.sessionDays })) {
      const started = Date.now();
      const result = await client.query(s.sql);
      const last = Array.isArray(result) ? result.map((r) => r.rowCount ?? 0) : [result.rowCount ?? 0];
      const rows = last.reduce((a, b) => a + b, 0);
      const seconds = (Date.now() - started) / 1000;
      steps.push({ step: s.step, seconds, rows });
      o.log(`  ${s.step}: ${rows.toLocaleString('en-US')} rows, ${seconds.toFixed(1)} s`);
    }
    const started = Date.now();
    // Index-only scans need the visibility map; statistics for the planner.
    await client.query('vacuum (analyze)');
    steps.push({ step: 'vacuum (analyze)', seconds: (Date.now() - started) / 1000, rows: null });
    o.log(`  vacuum (analyze): ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await client.end();
  }
  return { codes: pairs * 2 * DRUGS, steps };
}
