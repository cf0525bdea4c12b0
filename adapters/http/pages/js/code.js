/**
 * The life of one pack: GET /api/v1/codes/:code — state, drug, every ledger event (time, action, actor, location,
 * reference) — and, where the lookup carries them, the national platform's answer and duplicate-sale notices.
 */
import { api } from './api.js';
import { packLevelName, packStateName, scanKindName } from './names.js';
import { $, clearError, fill, formatTime, guarded, h, initPage, visibleControls } from './ui.js';
import { attachWedge } from './wedge.js';

const input = $('#code-input');

function fact(label, value) {
  if (value === null || value === undefined || value === '') {
    return [];
  }
  return [h('dt', {}, label), h('dd', {}, value)];
}

/** A session id (D…/T…/R… then a timestamp) links to the scan station; a prescription number does not. */
function sessionLink(ref) {
  return typeof ref === 'string' && /^[DTR]\d{14}/.test(ref) ? `scan.html?session=${encodeURIComponent(ref)}` : null;
}

function refCell(ref) {
  if (!ref) {
    return '—';
  }
  const link = sessionLink(ref);
  return link ? h('a', { href: link }, ref) : ref;
}

function stateLabel(state) {
  return state ? (packStateName[state] ?? state) : '—';
}

const answerClass = { none: 'state-completed', one: 'state-completed', several: 'state-dead' };

/** nationalApp: { answer: none|one|several, text (as the national app prints it), meaning, localSales, … }. */
function renderNational(app) {
  const section = $('#national-section');
  if (!app || typeof app !== 'object') {
    section.hidden = true;
    return;
  }
  const counts = [
    typeof app.localSales === 'number' ? `本院净销售 ${app.localSales} 次` : null,
    app.splitSales ? `其中拆零 ${app.splitSales} 次` : null,
    typeof app.noticeRecords === 'number' ? `平台重复通知 ${app.noticeRecords} 条` : null,
  ].filter(Boolean);
  fill(
    $('#national'),
    h(
      'p',
      {},
      h('span', { class: `badge ${answerClass[app.answer] ?? ''}`, id: 'national-text' }, app.text ?? app.answer ?? '—')
    ),
    app.meaning ? h('p', { id: 'national-meaning' }, app.meaning) : null,
    counts.length > 0 ? h('p', { class: 'muted small' }, counts.join(' · ')) : null
  );
  section.hidden = false;
}

const noticeKindName = { resold: '回流', counterfeit: '假药', substitution: '串换', other: '其他' };

/** The platform's duplicate-code notices for this code: one row per sale record it lists. */
function renderDuplicates(notices) {
  const section = $('#duplicates-section');
  const list = Array.isArray(notices) ? notices : [];
  if (list.length === 0) {
    section.hidden = true;
    return;
  }
  fill(
    $('#duplicates'),
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['类型', '销售时间', '机构', '统筹区', '人员', '流水号'].map((t) => h('th', {}, t))
        )
      ),
      h(
        'tbody',
        {},
        list.map((n) =>
          h(
            'tr',
            { class: 'duplicate-notice' },
            h('td', {}, h('span', { class: 'badge risk-high' }, n.kindName ?? noticeKindName[n.kind] ?? n.kind ?? '—')),
            h('td', { class: 'nowrap' }, n.saleTime ?? '—'),
            h('td', {}, [n.fixmedinsName, n.fixmedinsCode].filter(Boolean).join(' ') || '—'),
            h('td', {}, n.region ?? '—'),
            h('td', {}, n.psnName ?? '—'),
            h('td', { class: 'code small' }, n.fixmedinsBchno ?? n.saleSerialNo ?? n.traceSerialNo ?? '—')
          )
        )
      )
    )
  );
  section.hidden = false;
}

function render(c) {
  $('#code-title').textContent = c.traceCode;
  $('#code-state').textContent = c.stateName ?? stateLabel(c.state);
  $('#code-state').className = `badge pack-${c.state}`;
  $('#code-state').dataset.state = c.state;
  const drug = c.drug ?? {};
  fill(
    $('#code-facts'),
    ...fact('药品', drug.name ? `${drug.name}${drug.spec ? ` ${drug.spec}` : ''}` : null),
    ...fact('HIS 药品编码', drug.hisDrugCode),
    ...fact('医保编码', drug.insuranceCode),
    ...fact('码类型', scanKindName[c.kind] ?? c.kind),
    ...fact('当前状态', `${c.stateName ?? stateLabel(c.state)}（自 ${formatTime(c.since)}）`),
    ...fact('拆零剩余', c.unitsRemaining === null ? null : String(c.unitsRemaining)),
    ...fact('批号', c.lot),
    ...fact('有效期至', c.expiry),
    ...fact('生产日期', c.manufactureDate),
    ...fact('所在位置', c.location),
    ...fact('最近单号', c.ref ? refCell(c.ref) : null),
    ...fact(
      '上级包装',
      c.parent
        ? h(
            'a',
            { href: `code.html?code=${encodeURIComponent(c.parent.code)}` },
            `${packLevelName[c.parent.level] ?? ''} ${c.parent.code}`
          )
        : null
    )
  );
  renderNational(c.nationalApp);
  renderDuplicates(c.duplicateNotices ?? c.duplicates ?? c.notices);
  fill(
    $('#history'),
    ...(c.history ?? []).map((e) =>
      h(
        'tr',
        { dataset: { action: e.action } },
        h('td', {}, String(e.seq)),
        h('td', { class: 'nowrap' }, formatTime(e.at)),
        h('td', {}, e.actionName ?? e.action),
        h(
          'td',
          {},
          `${e.from ? stateLabel(e.from) : '—'} → ${stateLabel(e.to)}${e.units ? `（${e.units} 单位）` : ''}`
        ),
        h('td', {}, e.actor ?? '—'),
        h('td', {}, e.location ?? '—'),
        h('td', {}, refCell(e.ref)),
        h('td', {}, e.reason ?? '', e.details?.via ? h('div', { class: 'muted small' }, `经 ${e.details.via}`) : null)
      )
    )
  );
  $('#code-result').hidden = false;
}

async function lookup(code) {
  if (!code.trim()) {
    return;
  }
  $('#code-result').hidden = true;
  history.replaceState(null, '', `?code=${encodeURIComponent(code)}`);
  document.title = `${visibleControls(code)} · 追溯码查询`;
  await guarded(async () => {
    render(await api('GET', `/codes/${encodeURIComponent(code)}`));
  });
}

initPage();
attachWedge(input, {
  onScan: (raw) => {
    input.value = raw;
    void lookup(raw);
  },
});
$('#code-search').addEventListener('click', () => void lookup(input.value));
const wanted = new URLSearchParams(location.search).get('code');
if (wanted) {
  input.value = wanted;
  void lookup(wanted);
} else {
  clearError();
  input.focus();
}
