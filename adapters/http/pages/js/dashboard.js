/**
 * The pharmacy head's dashboard: variance by drug with its explanation by category and the codes behind each
 * (GET /api/v1/reports/reconciliation), anomalies by type and risk with their evidence (GET /api/v1/anomalies),
 * the daily trend (GET /api/v1/reports/daily and /api/v1/anomalies/trend, drawn with uPlot) and the upload states
 * (GET /api/v1/uploads). Each part loads on its own: one that fails shows its error and the others still show.
 */
import uPlot from '../vendor/uPlot.esm.js';
import { api, chineseMessage, download } from './api.js';
import { anomalyRiskName, anomalyStatusName, anomalyTypeName, evidenceLabel, uploadStateName } from './names.js';
import { $, fill, formatTime, guarded, h, initPage } from './ui.js';

/** The day chosen, or '' for today as the server counts it (hospital time; the browser's clock may differ). */
const asOf = () => $('#as-of').value;
const asOfParam = (sep) => (asOf() ? `${sep}asOf=${encodeURIComponent(asOf())}` : '');
const days = () => Number($('#trend-days').value) || 30;

function card(label, value, { alert = false, id } = {}) {
  return h(
    'div',
    { class: `count-card${alert ? ' alert' : ''}`, ...(id ? { id } : {}) },
    h('div', { class: 'muted small' }, label),
    h('div', { class: 'n' }, value === null || value === undefined ? '—' : String(value))
  );
}

const codeLink = (code) => h('a', { href: `code.html?code=${encodeURIComponent(code)}`, class: 'code' }, code);
const signed = (n) => (n === null || n === undefined ? '—' : n > 0 ? `+${n}` : String(n));

// ---------- reconciliation ----------

let reconciliation = null;
let selectedDrug = null;

/** Category lines of one drug: `categories` ({category,label,effect,count,codes,more}). */
const categoryLines = (d) =>
  Array.isArray(d.categories) ? d.categories : Array.isArray(d.explained) ? d.explained : [];
const explainedOf = (d) =>
  typeof d.explained === 'number' ? d.explained : categoryLines(d).reduce((n, c) => n + (c.effect ?? 1) * c.count, 0);
const needsLook = (d) => (d.variance ?? 0) !== 0 || (d.unexplained ?? 0) !== 0;

async function loadReconciliation() {
  await guarded(async () => {
    reconciliation = await api('GET', `/reports/reconciliation${asOfParam('?')}`);
    renderReconciliation();
  }, $('#reconciliation-error'));
}

function renderReconciliation() {
  const r = reconciliation;
  if (!r) {
    return;
  }
  const drugs = r.drugs ?? [];
  const t = r.totals;
  fill(
    $('#reconciliation-totals'),
    card('药品数', t?.drugs ?? drugs.length),
    card('有账面库存', t?.withBook ?? drugs.filter((d) => d.book).length),
    card('有差异', t?.withVariance ?? drugs.filter((d) => (d.variance ?? 0) !== 0).length, {
      alert: (t?.withVariance ?? 0) > 0,
    }),
    card('差异（盒）', signed(t?.variance ?? drugs.reduce((n, d) => n + (d.variance ?? 0), 0))),
    card('已解释（盒）', signed(t?.explained ?? drugs.reduce((n, d) => n + explainedOf(d), 0))),
    card('未解释（盒）', signed(t?.unexplained ?? drugs.reduce((n, d) => n + (d.unexplained ?? 0), 0)), {
      alert: (t?.unexplained ?? 0) !== 0,
    })
  );
  $('#reconciliation-meta').textContent =
    `核对日 ${r.asOf}${r.basis === 'end-of-day' ? '（按当日日终重算）' : ''} · 生成于 ${formatTime(r.generatedAt)}`;
  const only = $('#only-variance').checked;
  const shown = drugs.filter((d) => !only || needsLook(d));
  fill(
    $('#reconciliation-rows'),
    ...shown.map((d) => {
      const chips = categoryLines(d)
        .filter((c) => c.count !== 0)
        .map((c) =>
          h(
            'span',
            {
              class: `badge ${c.category === 'unexplained' ? 'risk-high' : c.effect === 0 ? 'risk-low' : 'risk-medium'}`,
              dataset: { category: c.category },
            },
            `${c.label} ${c.count}`
          )
        );
      return h(
        'tr',
        {
          class: `clickable${selectedDrug === d.hisDrugCode ? ' selected' : ''}`,
          dataset: { drug: d.hisDrugCode },
          onclick: () => void showVariance(d.hisDrugCode),
        },
        h(
          'td',
          {},
          h('div', {}, `${d.name ?? '（目录中没有）'}${d.spec ? ` ${d.spec}` : ''}`),
          h('div', { class: 'muted small' }, d.hisDrugCode)
        ),
        h('td', { class: 'num' }, d.book ? String(d.book.quantity) : '—'),
        h('td', { class: 'num' }, String(d.ledger?.inStock ?? '—')),
        h('td', { class: 'num' }, String(d.ledger?.opened ?? '—')),
        h('td', { class: 'num' }, String(d.ledger?.quarantined ?? '—')),
        h('td', { class: 'nowrap' }, d.lastCount ? `${d.lastCount.date}：${d.lastCount.packs} 盒` : '—'),
        h('td', { class: 'num variance' }, signed(d.variance)),
        h('td', { class: 'num' }, signed(explainedOf(d))),
        h('td', { class: 'num unexplained' }, signed(d.unexplained)),
        h('td', {}, chips.length > 0 ? chips : h('span', { class: 'muted' }, d.book ? '—' : '无账面数据'))
      );
    })
  );
  $('#reconciliation-empty').hidden = shown.length > 0;
  if (selectedDrug) {
    void showVariance(selectedDrug);
  }
}

/** The all-drugs report carries counts only (cheap on a large ledger); one drug is asked again with its codes. */
async function showVariance(hisDrugCode) {
  selectedDrug = hisDrugCode;
  for (const tr of document.querySelectorAll('#reconciliation-rows tr')) {
    tr.classList.toggle('selected', tr.dataset.drug === hisDrugCode);
  }
  let d = reconciliation?.drugs?.find((x) => x.hisDrugCode === hisDrugCode);
  if (d) {
    await guarded(async () => {
      const one = await api(
        'GET',
        `/reports/reconciliation?drug=${encodeURIComponent(hisDrugCode)}&codes=10${asOfParam('&')}`
      );
      d = one.drugs?.[0] ?? d;
    }, $('#reconciliation-error'));
  }
  const box = $('#variance-detail');
  if (!d) {
    box.hidden = true;
    return;
  }
  const lines = categoryLines(d).filter((c) => c.count !== 0);
  const book = d.book
    ? `账面 ${d.book.quantity} 盒${d.book.units !== null && d.book.units !== undefined ? ` + 拆零 ${d.book.units}` : ''}（${d.book.asOf}）`
    : '没有 HIS 账面库存';
  fill(
    box,
    h('h3', {}, `${d.name ?? d.hisDrugCode}${d.spec ? ` ${d.spec}` : ''} · 差异 ${signed(d.variance)} 盒`),
    h(
      'p',
      { class: 'muted' },
      `${book} · 台账在库 ${d.ledger?.inStock ?? '—'} 盒 · 拆零在用 ${d.ledger?.opened ?? 0} 盒 · 隔离 ${d.ledger?.quarantined ?? 0} 盒 · 已解释 ${signed(explainedOf(d))} · 未解释 ${signed(d.unexplained)}`
    ),
    d.window
      ? h(
          'p',
          { class: 'muted small' },
          `统计区间：${d.window.from ?? '开始'} 至 ${d.window.to}（${{ since: '指定起点', 'last-count': '自上次盘点', all: '全部' }[d.window.basis] ?? d.window.basis}）`
        )
      : null,
    lines.length === 0 ? h('p', {}, '没有可列出的原因。') : lines.map((c) => categoryBlock(d, c))
  );
  box.hidden = false;
}

/** One explanation category: its count, the first codes, and the whole list on demand (and as a file). */
function categoryBlock(d, c) {
  const list = h('div', { class: 'code-list' });
  const listed = c.category !== 'unexplained';
  const more = listed
    ? h(
        'button',
        {
          type: 'button',
          class: 'secondary small show-codes',
          onclick: () => void showCodes(d.hisDrugCode, c.category, list, 0),
        },
        '查看全部追溯码'
      )
    : null;
  const csv = listed
    ? h(
        'button',
        {
          type: 'button',
          class: 'secondary small',
          onclick: () =>
            guarded(
              () =>
                download(
                  `/reports/reconciliation/${encodeURIComponent(d.hisDrugCode)}/codes?category=${c.category}&format=csv${asOfParam('&')}`,
                  `药帐核对-${d.hisDrugCode}-${c.label}.csv`
                ),
              $('#reconciliation-error')
            ),
        },
        '导出 CSV'
      )
    : null;
  return h(
    'div',
    { class: 'category', dataset: { category: c.category } },
    h(
      'h4',
      {},
      `${c.label}：${c.count} ${listed ? '个追溯码' : '盒'}`,
      c.effect === 1 ? h('span', { class: 'muted small' }, '（账面可能比台账多）') : null,
      c.effect === -1 ? h('span', { class: 'muted small' }, '（账面可能比台账少）') : null
    ),
    (c.codes ?? []).length > 0
      ? h(
          'p',
          { class: 'codes' },
          c.codes.flatMap((code, i) => (i === 0 ? [codeLink(code)] : [' · ', codeLink(code)])),
          c.more ? h('span', { class: 'muted small' }, ' …') : null
        )
      : null,
    listed ? h('p', { class: 'actions' }, more, csv) : null,
    list
  );
}

async function showCodes(hisDrugCode, category, where, offset) {
  await guarded(async () => {
    const page = await api(
      'GET',
      `/reports/reconciliation/${encodeURIComponent(hisDrugCode)}/codes?category=${encodeURIComponent(category)}&limit=100&offset=${offset}${asOfParam('&')}`
    );
    const rows = page.codes.map((c) =>
      h(
        'tr',
        { dataset: { code: c.traceCode } },
        h('td', {}, codeLink(c.traceCode)),
        h('td', { class: 'nowrap' }, formatTime(c.at)),
        h('td', {}, c.ref ?? '—'),
        h('td', {}, c.detail ?? '')
      )
    );
    let body = where.querySelector('tbody');
    if (!body || offset === 0) {
      body = h('tbody');
      fill(
        where,
        h(
          'table',
          { class: 'small' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['追溯码', '时间', '单号', '说明'].map((t) => h('th', {}, t))
            )
          ),
          body
        )
      );
    }
    body.append(...rows);
    where.querySelector('.next-page')?.remove();
    if (page.nextOffset !== null && page.nextOffset !== undefined) {
      where.append(
        h(
          'button',
          {
            type: 'button',
            class: 'secondary small next-page',
            onclick: () => void showCodes(hisDrugCode, category, where, page.nextOffset),
          },
          '加载更多'
        )
      );
    }
  }, $('#reconciliation-error'));
}

// ---------- anomalies ----------

let anomalies = [];

async function loadAnomalies() {
  await guarded(async () => {
    const status = $('#anomaly-status').value;
    const res = await api('GET', `/anomalies${status ? `?status=${encodeURIComponent(status)}` : ''}`);
    anomalies = res.anomalies ?? [];
    renderAnomalyCounts(res.counts ?? {}, res.notices);
    renderAnomalies();
  }, $('#anomalies-error'));
}

function renderAnomalyCounts(counts, notices) {
  const byRisk = counts.byRisk ?? {};
  const byType = counts.byType ?? {};
  fill(
    $('#anomaly-risk-counts'),
    ...Object.keys(anomalyRiskName).map((risk) =>
      card(anomalyRiskName[risk], byRisk[risk] ?? 0, {
        alert: risk === 'high' && (byRisk[risk] ?? 0) > 0,
        id: `risk-${risk}`,
      })
    )
  );
  const types = [...new Set([...Object.keys(anomalyTypeName), ...Object.keys(byType)])];
  fill(
    $('#anomaly-type-counts'),
    ...types.map((type) => card(anomalyTypeName[type] ?? type, byType[type] ?? 0, { id: `type-${type}` })),
    notices ? card('平台重复通知', notices.total ?? 0, { alert: (notices.total ?? 0) > 0, id: 'notices' }) : null
  );
}

function renderAnomalies() {
  fill(
    $('#anomaly-rows'),
    ...anomalies.map((a) =>
      h(
        'tr',
        { class: 'clickable', dataset: { id: a.id, type: a.type }, onclick: () => showAnomaly(a.id) },
        h('td', {}, h('span', { class: `badge risk-${a.risk}` }, a.riskName ?? anomalyRiskName[a.risk] ?? a.risk)),
        h('td', {}, a.typeName ?? anomalyTypeName[a.type] ?? a.type),
        h('td', {}, a.drugName ?? a.hisDrugCode ?? '—'),
        h(
          'td',
          {},
          (a.traceCodes ?? []).slice(0, 3).flatMap((c, i) => (i === 0 ? [codeLink(c)] : [h('br'), codeLink(c)])),
          (a.traceCodes ?? []).length > 3 ? h('span', { class: 'muted small' }, ` 等 ${a.traceCodes.length} 个`) : null
        ),
        h('td', {}, a.summary ?? ''),
        h('td', { class: 'nowrap' }, formatTime(a.lastSeenAt)),
        h('td', {}, a.statusName ?? anomalyStatusName[a.status] ?? a.status ?? '—')
      )
    )
  );
  $('#anomalies-empty').hidden = anomalies.length > 0;
}

/** Evidence is shaped per type: shown as label → value, codes as links, nested rows as small tables. */
function evidenceView(value, key = '') {
  if (value === null || value === undefined) {
    return '—';
  }
  if (Array.isArray(value)) {
    if (value.every((v) => v && typeof v === 'object' && !Array.isArray(v))) {
      const keys = [...new Set(value.flatMap((v) => Object.keys(v)))];
      return h(
        'table',
        { class: 'small' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            keys.map((k) => h('th', {}, k))
          )
        ),
        h(
          'tbody',
          {},
          value.map((row) =>
            h(
              'tr',
              {},
              keys.map((k) => h('td', {}, scalar(k, row[k])))
            )
          )
        )
      );
    }
    return value.map((v, i) => [i > 0 ? '、' : '', scalar(key, v)]);
  }
  if (typeof value === 'object') {
    return h(
      'dl',
      { class: 'facts' },
      Object.entries(value)
        // A key with a Chinese twin (packState / packStateName) shows the twin only.
        .filter(([k]) => value[`${k}Name`] === undefined)
        .flatMap(([k, v]) => [h('dt', {}, evidenceLabel[k] ?? k), h('dd', {}, evidenceView(v, k))])
    );
  }
  return scalar(key, value);
}

const TRACE_CODE = /^(8\d{19}|01\d{14}21\S+)$/;

function scalar(key, v) {
  if (v === null || v === undefined) {
    return '—';
  }
  if (typeof v === 'object') {
    return JSON.stringify(v);
  }
  if (typeof v === 'boolean') {
    return v ? '是' : '否';
  }
  const text = String(v);
  if (TRACE_CODE.test(text)) {
    return codeLink(text);
  }
  if ((key === 'at' || /(At|Time|From|To)$/.test(key)) && !Number.isNaN(Date.parse(text))) {
    return formatTime(text);
  }
  return text;
}

function showAnomaly(id) {
  const a = anomalies.find((x) => x.id === id);
  const box = $('#anomaly-detail');
  if (!a) {
    box.hidden = true;
    return;
  }
  fill(
    box,
    h(
      'h3',
      {},
      `${a.typeName ?? anomalyTypeName[a.type] ?? a.type} · ${a.riskName ?? anomalyRiskName[a.risk] ?? a.risk}`
    ),
    h('p', {}, a.summary ?? ''),
    h(
      'p',
      { class: 'muted small' },
      `首次发现 ${formatTime(a.firstSeenAt)} · 最近发现 ${formatTime(a.lastSeenAt)}${a.occurredAt ? ` · 发生于 ${formatTime(a.occurredAt)}` : ''}`
    ),
    (a.traceCodes ?? []).length > 0
      ? h(
          'p',
          {},
          '追溯码：',
          a.traceCodes.flatMap((c, i) => (i === 0 ? [codeLink(c)] : [' · ', codeLink(c)]))
        )
      : null,
    h('h4', {}, '证据'),
    h('div', { class: 'evidence' }, evidenceView(a.evidence))
  );
  box.hidden = false;
}

// ---------- trend ----------

let chart = null;

const dayRows = (res) => (Array.isArray(res) ? res : (res?.days ?? res?.trend ?? []));

async function loadTrend() {
  await guarded(async () => {
    const n = days();
    const [daily, trend] = await Promise.all([
      api('GET', `/reports/daily?days=${n}`),
      api('GET', `/anomalies/trend?days=${n}`).catch((err) => {
        // The chart still shows the pharmacy's days without the anomaly line.
        fill($('#trend-error'), `异常趋势未能加载：${chineseMessage(err)}`);
        $('#trend-error').hidden = false;
        return [];
      }),
    ]);
    drawTrend(dayRows(daily), dayRows(trend));
  }, $('#trend-error'));
}

function drawTrend(daily, trend) {
  const dates = [...new Set([...daily.map((d) => d.date), ...trend.map((d) => d.date)])].sort();
  const byDate = new Map(daily.map((d) => [d.date, d]));
  const anomaliesOn = new Map(trend.map((d) => [d.date, d.total ?? d.count ?? 0]));
  const xs = dates.map((d) => Date.parse(`${d}T00:00:00+08:00`) / 1000);
  const series = [
    ['发药（盒）', (d) => d?.dispensed, '#0b5cad'],
    ['退药（盒）', (d) => d?.returned, '#7b3fc4'],
    ['入库（盒）', (d) => d?.received, '#1a7f37'],
    ['拒绝扫码', (d) => d?.refusedScans ?? d?.refused, '#b42318'],
  ];
  const data = [xs, ...series.map(([, get]) => dates.map((date) => get(byDate.get(date)) ?? 0))];
  data.push(dates.map((date) => anomaliesOn.get(date) ?? 0));
  const el = $('#trend-chart');
  chart?.destroy();
  fill(el);
  if (dates.length === 0) {
    el.append(h('p', { class: 'muted' }, '没有数据。'));
    return;
  }
  chart = new uPlot(
    {
      width: Math.max(600, el.clientWidth - 20),
      height: 300,
      series: [
        {
          label: '日期',
          value: (_u, v) => (v === null ? '—' : formatTime(new Date(v * 1000).toISOString()).slice(0, 10)),
        },
        ...series.map(([label, , stroke]) => ({ label, stroke, width: 2 })),
        { label: '异常', stroke: '#d4a300', width: 2, dash: [6, 4] },
      ],
      axes: [{}, { label: '数量' }],
      scales: { x: { time: true } },
    },
    data,
    el
  );
  el.dataset.points = String(dates.length);
}

// ---------- uploads ----------

async function loadUploads() {
  await guarded(async () => {
    const res = await api('GET', '/uploads?limit=1');
    fill(
      $('#upload-counts'),
      ...Object.keys(uploadStateName).map((state) =>
        card(uploadStateName[state], res.counts?.[state] ?? 0, {
          alert: (state === 'dead' || state === 'ambiguous') && (res.counts?.[state] ?? 0) > 0,
          id: `upload-${state}`,
        })
      )
    );
  }, $('#uploads-error'));
}

// ---------- start ----------

function exportButton(selector, path, name) {
  $(selector).addEventListener('click', () =>
    guarded(
      () => download(path(), name),
      $(selector.startsWith('#reconciliation') ? '#reconciliation-error' : '#anomalies-error')
    )
  );
}

function loadAll() {
  return Promise.all([loadReconciliation(), loadAnomalies(), loadTrend(), loadUploads()]);
}

initPage();
$('#dashboard-filters').addEventListener('submit', (e) => {
  e.preventDefault();
  void loadAll();
});
$('#only-variance').addEventListener('change', renderReconciliation);
$('#anomaly-status').addEventListener('change', () => void loadAnomalies());
exportButton('#reconciliation-csv', () => `/reports/reconciliation?format=csv${asOfParam('&')}`, '药帐核对.csv');
exportButton('#reconciliation-xlsx', () => `/reports/reconciliation?format=xlsx${asOfParam('&')}`, '药帐核对.xlsx');
exportButton('#anomalies-csv', () => `/anomalies?format=csv${statusParam()}`, '异常.csv');
exportButton('#anomalies-xlsx', () => `/anomalies?format=xlsx${statusParam()}`, '异常.xlsx');
function statusParam() {
  const s = $('#anomaly-status').value;
  return s ? `&status=${encodeURIComponent(s)}` : '';
}
void loadAll();
