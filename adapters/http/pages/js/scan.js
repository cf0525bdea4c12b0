/**
 * The scan station: open a dispense (from the prescription) or a return (naming the original sale), then scan boxes
 * in any order with a keyboard-wedge scanner. Every scan goes to the API as typed — control characters and GS
 * substitutes included; the server normalises — and the answer is shown at once, big, with a sound on refusal.
 */
import { ApiError, api, chineseMessage } from './api.js';
import { beep, unlockAudioOnFirstKey } from './sound.js';
import { $, clearError, fill, formatTime, guarded, h, initPage, showError, visibleControls } from './ui.js';
import { attachWedge } from './wedge.js';

const SESSION_KEY = 'tracegate.scan.session';
const LOCATION_KEY = 'tracegate.scan.location';
const pathOfKind = { dispense: 'dispenses', return: 'returns', receipt: 'receipts' };
const kindOfPrefix = { D: 'dispense', T: 'return', R: 'receipt' };
const kindName = { dispense: '发药', return: '退药', receipt: '入库' };
const stateName = { open: '扫码中', completed: '已完成', cancelled: '已作废' };
const resultName = { accepted: '已接受', warning: '警告', rejected: '拒绝', error: '未提交', pending: '提交中' };

const state = {
  /** The session as the API presents it (lines, progress, scans…). */
  session: null,
  /** What this page saw, newest last: the API's answers, and scans that never reached it. */
  log: [],
  /** Scans, take-backs and completion run one after another, in the order they were asked for. */
  tasks: [],
  busy: false,
  drugs: new Map(),
  lastLine: null,
};

const input = $('#scan-input');
const scanView = $('#scan-view');
const openView = $('#open-view');

// ---------- opening a session ----------

function lineRow(kind, line = {}) {
  const remove = h('button', { type: 'button', class: 'secondary small', title: '删除此行' }, '删除');
  const cells =
    kind === 'dispense'
      ? [
          h('td', {}, h('input', { name: 'lineNo', type: 'number', min: 1, step: 1, value: line.lineNo ?? '' })),
          h(
            'td',
            {},
            h('input', { name: 'hisDrugCode', list: 'drug-codes', required: true, value: line.hisDrugCode ?? '' })
          ),
          h('td', {}, h('input', { name: 'quantity', type: 'number', min: 0, step: 'any', value: line.quantity ?? 1 })),
          h('td', {}, h('input', { name: 'unit', value: line.unit ?? '盒', list: 'unit-words' })),
          h('td', {}, remove),
        ]
      : [
          h('td', {}, h('input', { name: 'lineNo', type: 'number', min: 1, step: 1, value: line.lineNo ?? 1 })),
          h(
            'td',
            {},
            h('input', { name: 'hisDrugCode', list: 'drug-codes', required: true, value: line.hisDrugCode ?? '' })
          ),
          h('td', {}, h('input', { name: 'quantity', type: 'number', min: 1, step: 1, value: line.quantity ?? 1 })),
          h('td', {}, remove),
        ];
  const tr = h('tr', { class: 'line-row' }, cells);
  remove.addEventListener('click', () => tr.remove());
  return tr;
}

function addLine(kind, line) {
  const body = $(kind === 'dispense' ? '#dispense-lines' : '#return-lines');
  const row = lineRow(kind, { lineNo: body.children.length + 1, ...line });
  body.append(row);
  return row;
}

function readLines(kind) {
  const rows = [...$(kind === 'dispense' ? '#dispense-lines' : '#return-lines').querySelectorAll('tr')];
  return rows
    .map((tr, i) => {
      const get = (name) => tr.querySelector(`[name="${name}"]`)?.value.trim() ?? '';
      const lineNo = Number(get('lineNo')) || i + 1;
      const line = { lineNo, hisDrugCode: get('hisDrugCode'), quantity: Number(get('quantity')) };
      return kind === 'dispense' ? { ...line, unit: get('unit') || '盒' } : line;
    })
    .filter((l) => l.hisDrugCode !== '');
}

const optional = (v) => (v && v.trim() !== '' ? v.trim() : null);

function dispenseBody() {
  const f = new FormData($('#dispense-form'));
  const text = (k) => String(f.get(k) ?? '').trim();
  const location = text('location');
  // 代办人: who collects the drugs for the patient (an anomaly rule looks for one agent and many patients).
  const agent = { name: optional(text('agentName')), phone: optional(text('agentPhone')) };
  return {
    prescriptionNo: text('prescriptionNo'),
    visitNo: text('visitNo'),
    patientId: text('patientId'),
    patientName: text('patientName'),
    settlementType: text('settlementType') || 'self_pay',
    insuranceVisitId: optional(text('insuranceVisitId')),
    settlementId: optional(text('settlementId')),
    doctorName: optional(text('doctorName')),
    ...(agent.name || agent.phone ? { agent } : {}),
    ...(location ? { location } : {}),
    lines: readLines('dispense'),
  };
}

function returnBody() {
  const f = new FormData($('#return-form'));
  const text = (k) => String(f.get(k) ?? '').trim();
  const location = text('location');
  return {
    dispenseId: optional(text('dispenseId')),
    prescriptionNo: optional(text('prescriptionNo')),
    visitNo: optional(text('visitNo')),
    reason: optional(text('reason')),
    ...(location ? { location } : {}),
    lines: readLines('return'),
  };
}

const formFields = {
  dispense: [
    'prescriptionNo',
    'visitNo',
    'patientId',
    'patientName',
    'settlementType',
    'insuranceVisitId',
    'settlementId',
    'doctorName',
    'location',
  ],
  return: ['dispenseId', 'prescriptionNo', 'visitNo', 'reason', 'location'],
};

/** Fill a form from pasted order JSON (the API's own field names); unknown fields are named, not sent. */
function fillFromJson(kind) {
  const where = $(`#${kind}-error`);
  clearError(where);
  let order;
  try {
    order = JSON.parse($(`#${kind}-json`).value);
  } catch (e) {
    showErrorText(where, `JSON 格式有误：${e instanceof Error ? e.message : e}`, 'JSON_INVALID');
    return;
  }
  if (!order || typeof order !== 'object' || Array.isArray(order)) {
    showErrorText(where, 'JSON 应是一个对象，包含处方字段和 lines 明细', 'JSON_INVALID');
    return;
  }
  const form = $(`#${kind}-form`);
  const known = new Set([...formFields[kind], 'lines']);
  for (const name of formFields[kind]) {
    const el = form.elements.namedItem(name);
    if (el && order[name] !== undefined && order[name] !== null) {
      el.value = String(order[name]);
    }
  }
  if (Array.isArray(order.lines)) {
    fill($(kind === 'dispense' ? '#dispense-lines' : '#return-lines'));
    order.lines.forEach((l, i) => addLine(kind, { ...l, lineNo: l?.lineNo ?? i + 1 }));
  }
  if (kind === 'dispense' && order.agent && typeof order.agent === 'object') {
    form.elements.namedItem('agentName').value = order.agent.name ?? '';
    form.elements.namedItem('agentPhone').value = order.agent.phone ?? '';
  }
  const unknown = Object.keys(order).filter((k) => !known.has(k) && !(kind === 'dispense' && k === 'agent'));
  if (unknown.length > 0) {
    showErrorText(where, `已填入表单；以下字段不认识，未使用：${unknown.join('、')}`, 'JSON_FIELDS_IGNORED');
  }
}

function showErrorText(where, text, code) {
  fill(where, h('span', { class: 'error-text' }, text), ' ', h('code', { class: 'error-code' }, code));
  where.hidden = false;
}

async function openSession(kind) {
  const where = $(`#${kind}-error`);
  const body = kind === 'dispense' ? dispenseBody() : returnBody();
  if (body.lines.length === 0) {
    showErrorText(where, '请至少填写一行药品', 'LINES_MISSING');
    return;
  }
  if (body.location) {
    localStorage.setItem(LOCATION_KEY, body.location);
  }
  await guarded(async () => {
    const session = await api('POST', `/${pathOfKind[kind]}`, body);
    enterSession(session, []);
  }, where);
}

async function resume(id, where) {
  const kind = kindOfPrefix[id.charAt(0).toUpperCase()];
  if (!kind) {
    showErrorText(
      where,
      `单号「${id}」无法识别：发药单以 D 开头，退药单以 T 开头，入库单以 R 开头`,
      'SESSION_ID_INVALID'
    );
    return;
  }
  await guarded(async () => {
    const session = await api('GET', `/${pathOfKind[kind]}/${encodeURIComponent(id)}`);
    enterSession(session, logFromSession(session));
  }, where);
}

function logFromSession(session) {
  return (session.scans ?? []).map((s) => ({
    at: s.at,
    raw: s.raw,
    traceCode: s.traceCode,
    result: s.result,
    lineNo: s.assignments?.[0]?.lineNo ?? null,
    problem: s.problem,
    withdrawn: s.withdrawn,
    duplicate: false,
  }));
}

function enterSession(session, log) {
  state.session = session;
  state.log = log;
  state.lastLine = null;
  sessionStorage.setItem(SESSION_KEY, session.id);
  history.replaceState(null, '', `?session=${encodeURIComponent(session.id)}`);
  openView.hidden = true;
  scanView.hidden = false;
  $('#problems').hidden = true;
  showResult(
    session.state === 'open'
      ? { kind: 'idle', title: '等待扫码', message: '请扫描药盒上的追溯码，顺序不限' }
      : { kind: 'info', title: `本单${stateName[session.state]}`, message: '如需继续发药，请点「新开一单」' }
  );
  render();
  keepFocus();
}

function leaveSession() {
  state.session = null;
  state.log = [];
  state.tasks = [];
  sessionStorage.removeItem(SESSION_KEY);
  history.replaceState(null, '', location.pathname);
  scanView.hidden = true;
  openView.hidden = false;
  const form = $('#dispense-form');
  for (const name of [...formFields.dispense, 'agentName', 'agentPhone']) {
    const el = form.elements.namedItem(name);
    if (el && name !== 'location' && name !== 'settlementType') {
      el.value = '';
    }
  }
  fill($('#dispense-lines'));
  addLine('dispense');
  fill($('#return-lines'));
  addLine('return');
  clearError();
}

// ---------- rendering ----------

function progressOf(lineNo) {
  return state.session.progress.find((p) => p.lineNo === lineNo);
}

function unitNameOf(hisDrugCode) {
  return state.drugs.get(hisDrugCode)?.unitName ?? '最小单位';
}

function render() {
  const s = state.session;
  if (!s) {
    return;
  }
  const order = s.order ?? {};
  $('#session-kind').textContent = kindName[s.kind] ?? s.kind;
  $('#session-kind').className = `badge kind-${s.kind}`;
  $('#session-title').textContent =
    s.kind === 'dispense'
      ? `处方 ${order.prescriptionNo}`
      : s.kind === 'return'
        ? `退药 · 原${order.dispenseId ? `发药单 ${order.dispenseId}` : order.prescriptionNo ? `处方 ${order.prescriptionNo}` : `就诊 ${order.visitNo}`}`
        : `随货单 ${order.deliveryNo}`;
  $('#session-state').textContent = stateName[s.state] ?? s.state;
  $('#session-state').className = `badge state-${s.state}`;
  $('#session-state').dataset.state = s.state;
  const meta = [`单号 ${s.id}`];
  if (order.patientName) {
    meta.push(`患者 ${order.patientName}（${order.patientId}）`);
  }
  if (order.visitNo) {
    meta.push(`就诊号 ${order.visitNo}`);
  }
  if (order.reason) {
    meta.push(`原因 ${order.reason}`);
  }
  if (s.location) {
    meta.push(s.location);
  }
  $('#session-meta').textContent = meta.join(' · ');
  input.disabled = false;
  input.placeholder = s.state === 'open' ? '请扫码…' : `本单${stateName[s.state]}，请新开一单`;
  $('#take-back').disabled = s.state !== 'open';
  $('#complete').disabled = s.state !== 'open';
  $('#cancel-session').disabled = s.state !== 'open';
  renderLines();
  renderLog();
}

function renderLines() {
  const s = state.session;
  const rows = s.lines.map((line) => {
    const p = progressOf(line.lineNo) ?? { packs: line.packs, scannedPacks: 0, splitScanned: false, complete: false };
    const split =
      line.splitUnits > 0
        ? `${line.splitUnits} ${unitNameOf(line.hisDrugCode)}${p.splitScanned ? '（拆零药盒已扫）' : '（需扫拆零用的药盒）'}`
        : '—';
    const expected = line.exempt ? '无码免扫' : `应扫 ${line.packs} 盒`;
    const scanned = line.exempt ? '—' : `已扫 ${p.scannedPacks} 盒`;
    return h(
      'tr',
      {
        class: ['line', p.complete ? 'line-complete' : 'line-open', state.lastLine === line.lineNo ? 'line-last' : '']
          .join(' ')
          .trim(),
        dataset: { line: line.lineNo, complete: String(p.complete) },
      },
      h('td', {}, `第${line.lineNo}行`),
      h('td', {}, h('div', {}, line.drugName), h('div', { class: 'muted small' }, line.hisDrugCode)),
      h('td', { class: 'expected' }, expected),
      h(
        'td',
        { class: 'scanned' },
        scanned,
        line.packs > 0 ? h('progress', { max: line.packs, value: Math.min(p.scannedPacks, line.packs) }) : null
      ),
      h('td', { class: 'split' }, split),
      h('td', { class: 'line-state' }, p.complete ? '✔ 已齐' : '未齐')
    );
  });
  fill($('#line-progress'), ...rows);
}

function renderLog() {
  const rows = state.log
    .map((e, i) =>
      h(
        'tr',
        { class: `log-${e.result}${e.withdrawn ? ' log-withdrawn' : ''}`, dataset: { result: e.result } },
        h('td', {}, String(i + 1)),
        h('td', {}, formatTime(e.at).slice(11)),
        h('td', { class: 'raw' }, visibleControls(e.raw)),
        h(
          'td',
          { class: 'code' },
          e.traceCode
            ? h('a', { href: `code.html?code=${encodeURIComponent(e.traceCode)}`, target: '_blank' }, e.traceCode)
            : '—'
        ),
        h(
          'td',
          {},
          h('span', { class: `badge result-badge-${e.result}` }, resultName[e.result] ?? e.result),
          e.duplicate ? h('span', { class: 'muted small' }, ' 重复') : null,
          e.withdrawn ? h('span', { class: 'badge withdrawn' }, '已撤销') : null
        ),
        h('td', {}, e.lineNo ? `第${e.lineNo}行` : '—'),
        h('td', {}, e.problem ? [e.problem.message, ' ', h('code', {}, e.problem.code)] : '')
      )
    )
    .reverse();
  fill($('#scan-log'), ...rows);
}

/**
 * The big answer box. kind: accepted (green) · warning (yellow) · rejected (red) · duplicate · withdrawn · info ·
 * idle. `data-result` carries the kind for scripts and tests.
 */
function showResult({ kind, title, line, message, code, traceCode }) {
  const box = $('#last-result');
  box.className = `result result-${kind}`;
  box.dataset.result = kind;
  fill(
    box,
    ...[
      h('div', { class: 'result-title' }, title),
      line ? h('div', { class: 'result-line' }, line) : null,
      message ? h('div', { class: 'result-message' }, message) : null,
      code || traceCode
        ? h(
            'div',
            { class: 'result-codes' },
            code ? h('code', { class: 'result-code' }, code) : null,
            traceCode ? h('span', { class: 'result-trace' }, traceCode) : null
          )
        : null,
    ].filter(Boolean)
  );
}

function lineLabel(lineNo) {
  const line = state.session?.lines.find((l) => l.lineNo === lineNo);
  return line ? `第${lineNo}行 ${line.drugName}` : lineNo ? `第${lineNo}行` : '';
}

// ---------- scanning ----------

function enqueue(task) {
  state.tasks.push(task);
  void drain();
}

async function drain() {
  if (state.busy) {
    return;
  }
  state.busy = true;
  try {
    while (state.tasks.length > 0) {
      const task = state.tasks.shift();
      try {
        await task();
      } catch (err) {
        showResult({ kind: 'rejected', title: '✖ 操作失败', message: chineseMessage(err), code: codeOf(err) });
        beep('refusal');
      }
    }
  } finally {
    state.busy = false;
  }
}

const codeOf = (err) => (err instanceof ApiError ? err.code : 'PAGE_ERROR');

async function sendScan(raw) {
  const s = state.session;
  if (!s) {
    return;
  }
  if (s.state !== 'open') {
    showResult({
      kind: 'rejected',
      title: `✖ 本单${stateName[s.state]}，不能再扫码`,
      message: '请点「新开一单」后再扫码',
      code: 'SESSION_NOT_OPEN',
    });
    beep('refusal');
    return;
  }
  const entry = {
    at: new Date().toISOString(),
    raw,
    traceCode: null,
    result: 'pending',
    lineNo: null,
    problem: null,
    withdrawn: false,
    duplicate: false,
  };
  state.log.push(entry);
  try {
    const out = await api('POST', `/${pathOfKind[s.kind]}/${encodeURIComponent(s.id)}/scans`, { scan: raw });
    Object.assign(entry, {
      traceCode: out.traceCode,
      result: out.result,
      lineNo: out.lineNo,
      problem: out.problem,
      duplicate: out.duplicate,
    });
    s.progress = out.progress;
    s.complete = out.complete;
    if (out.lineNo) {
      state.lastLine = out.lineNo;
    }
    announce(out);
  } catch (err) {
    entry.result = 'error';
    entry.problem = { code: codeOf(err), message: chineseMessage(err) };
    showResult({ kind: 'rejected', title: '✖ 扫码未提交', message: chineseMessage(err), code: codeOf(err) });
    beep('refusal');
    if (err instanceof ApiError && err.code === 'SESSION_NOT_OPEN') {
      await refresh();
    }
  }
  render();
}

function announce(out) {
  if (out.result === 'accepted' && out.duplicate) {
    showResult({
      kind: 'duplicate',
      title: '↺ 这盒已扫过，无需再扫',
      line: lineLabel(out.lineNo),
      traceCode: out.traceCode,
    });
  } else if (out.result === 'accepted') {
    showResult({
      kind: 'accepted',
      title: '✔ 已接受',
      line: lineLabel(out.lineNo),
      message: state.session.complete ? '全部药盒已扫齐，可以完成' : '',
      traceCode: out.traceCode,
    });
  } else if (out.result === 'warning') {
    showResult({
      kind: 'warning',
      title: '⚠ 警告（已放行）',
      line: lineLabel(out.lineNo),
      message: out.problem?.message,
      code: out.problem?.code,
      traceCode: out.traceCode,
    });
    beep('warning');
  } else {
    showResult({
      kind: 'rejected',
      title: '✖ 拒绝',
      message: out.problem?.message ?? '扫码被拒绝',
      code: out.problem?.code,
      traceCode: out.traceCode,
    });
    beep('refusal');
  }
}

async function refresh() {
  const s = state.session;
  const fresh = await api('GET', `/${pathOfKind[s.kind]}/${encodeURIComponent(s.id)}`);
  state.session = fresh;
}

async function takeBack() {
  const s = state.session;
  if (!s || s.state !== 'open') {
    return;
  }
  const entry = [...state.log]
    .reverse()
    .find((e) => !e.withdrawn && e.traceCode && (e.result === 'accepted' || e.result === 'warning'));
  if (!entry) {
    showResult({ kind: 'info', title: '没有可撤销的扫码' });
    return;
  }
  const path = `/${pathOfKind[s.kind]}/${encodeURIComponent(s.id)}/scans/${encodeURIComponent(entry.traceCode)}`;
  const updated = await api('DELETE', path);
  for (const e of state.log) {
    if (e.traceCode === entry.traceCode) {
      e.withdrawn = true;
    }
  }
  state.session = updated;
  state.lastLine = entry.lineNo;
  $('#problems').hidden = true;
  showResult({
    kind: 'withdrawn',
    title: '↶ 已撤销上一盒',
    line: lineLabel(entry.lineNo),
    message: '这盒药不计入本单，请放回药架',
    traceCode: entry.traceCode,
  });
  render();
}

async function complete(override) {
  const s = state.session;
  if (!s || s.state !== 'open') {
    return;
  }
  try {
    const done = await api(
      'POST',
      `/${pathOfKind[s.kind]}/${encodeURIComponent(s.id)}/complete`,
      override ? { override: { reason: override } } : {}
    );
    state.session = done;
    $('#problems').hidden = true;
    const packs = done.progress.reduce((n, p) => n + p.scannedPacks, 0);
    showResult({
      kind: 'accepted',
      title: `✔ ${kindName[done.kind]}完成`,
      message: `共 ${done.lines.length} 行，实扫 ${packs} 盒${done.override ? `（强制完成：${done.override.reason}）` : ''}`,
    });
  } catch (err) {
    const problems = err instanceof ApiError ? (err.details?.problems ?? null) : null;
    if (problems) {
      renderProblems(problems);
      showResult({
        kind: 'rejected',
        title: '✖ 还不能完成',
        message: problems.map((p) => p.message).join('；'),
        code: err.code,
      });
      beep('refusal');
    } else {
      throw err;
    }
  }
  render();
}

function renderProblems(problems) {
  const box = $('#problems');
  const overrideButton = h(
    'button',
    { type: 'button', class: 'danger small', id: 'override' },
    '强制完成（需药剂科主任令牌）'
  );
  overrideButton.addEventListener('click', async () => {
    const reason = await askReason('强制完成', '填写强制完成的原因（将记入审计）。需要药剂科主任的令牌。');
    if (reason) {
      enqueue(() => complete(reason));
    }
  });
  fill(
    box,
    h('h3', {}, '还不能完成：'),
    h(
      'ul',
      {},
      problems.map((p) => h('li', {}, p.message, ' ', h('code', {}, p.code)))
    ),
    overrideButton
  );
  box.hidden = false;
}

async function cancelSession() {
  const s = state.session;
  if (!s || s.state !== 'open') {
    return;
  }
  const reason = await askReason('作废本单', '作废后本单的扫码全部不计入台账。');
  if (reason === null) {
    return;
  }
  enqueue(async () => {
    state.session = await api('POST', `/${pathOfKind[s.kind]}/${encodeURIComponent(s.id)}/cancel`, { reason });
    showResult({ kind: 'info', title: '本单已作废', message: reason });
    render();
  });
}

function askReason(title, text) {
  const dialog = $('#reason-dialog');
  $('#reason-title').textContent = title;
  $('#reason-text').textContent = text;
  const field = $('#reason-input');
  field.value = '';
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => {
        resolve(dialog.returnValue === 'ok' ? field.value.trim() : null);
        keepFocus();
      },
      { once: true }
    );
    dialog.returnValue = '';
    dialog.showModal();
    field.focus();
  });
}

// ---------- focus: the scan input owns the keyboard while scanning ----------

function keepFocus() {
  if (scanView.hidden || document.querySelector('dialog[open]')) {
    return;
  }
  if (document.activeElement !== input) {
    input.focus({ preventScroll: true });
  }
}

function wireScanning() {
  attachWedge(input, {
    onScan: (raw) => enqueue(() => sendScan(raw)),
    onComposing: (composing) => {
      $('#ime-warning').hidden = !composing;
    },
  });
  input.addEventListener('blur', () => setTimeout(keepFocus, 0));
  document.addEventListener('click', () => setTimeout(keepFocus, 0));
  window.addEventListener('focus', () => setTimeout(keepFocus, 0));
  document.addEventListener('keydown', (e) => {
    if (scanView.hidden || document.querySelector('dialog[open]')) {
      return;
    }
    if (e.key === 'F2') {
      e.preventDefault();
      enqueue(takeBack);
    } else if (e.key === 'F4') {
      e.preventDefault();
      enqueue(() => complete());
    }
  });
  $('#take-back').addEventListener('click', () => enqueue(takeBack));
  $('#complete').addEventListener('click', () => enqueue(() => complete()));
  $('#cancel-session').addEventListener('click', () => void cancelSession());
  $('#new-session').addEventListener('click', leaveSession);
}

// ---------- start ----------

function wireForms() {
  const tabs = { dispense: $('#tab-dispense'), return: $('#tab-return'), resume: $('#tab-resume') };
  const forms = { dispense: $('#dispense-form'), return: $('#return-form'), resume: $('#resume-form') };
  for (const [name, tab] of Object.entries(tabs)) {
    tab.addEventListener('click', () => {
      for (const [other, form] of Object.entries(forms)) {
        form.hidden = other !== name;
        tabs[other].setAttribute('aria-selected', String(other === name));
      }
    });
  }
  $('#dispense-add-line').addEventListener('click', () => addLine('dispense'));
  $('#return-add-line').addEventListener('click', () => addLine('return'));
  $('#dispense-json-fill').addEventListener('click', () => fillFromJson('dispense'));
  $('#return-json-fill').addEventListener('click', () => fillFromJson('return'));
  forms.dispense.addEventListener('submit', (e) => {
    e.preventDefault();
    void openSession('dispense');
  });
  forms.return.addEventListener('submit', (e) => {
    e.preventDefault();
    void openSession('return');
  });
  forms.resume.addEventListener('submit', (e) => {
    e.preventDefault();
    const id = String(new FormData(forms.resume).get('sessionId') ?? '').trim();
    void resume(id, $('#resume-error'));
  });
  const savedLocation = localStorage.getItem(LOCATION_KEY);
  if (savedLocation) {
    forms.dispense.elements.namedItem('location').value = savedLocation;
    forms.return.elements.namedItem('location').value = savedLocation;
  }
  addLine('dispense');
  addLine('return');
  document.body.append(h('datalist', { id: 'unit-words' }, h('option', { value: '盒' })));
}

async function loadDrugs() {
  const { drugs } = await api('GET', '/drugs');
  state.drugs = new Map(drugs.map((d) => [d.hisDrugCode, d]));
  fill(
    $('#drug-codes'),
    ...drugs.map((d) =>
      h('option', { value: d.hisDrugCode }, `${d.name}${d.spec ? ` ${d.spec}` : ''}${d.exempt ? '（无码）' : ''}`)
    )
  );
  const units = new Set(['盒', ...drugs.map((d) => d.unitName).filter(Boolean)]);
  fill($('#unit-words'), ...[...units].map((u) => h('option', { value: u })));
  if (state.session) {
    render();
  }
}

async function start() {
  initPage();
  unlockAudioOnFirstKey();
  wireForms();
  wireScanning();
  const wanted = new URLSearchParams(location.search).get('session') ?? sessionStorage.getItem(SESSION_KEY);
  if (wanted) {
    await resume(wanted, $('#resume-error'));
    if (!state.session) {
      // Could not reopen it: show why on the resume tab.
      $('#tab-resume').click();
      sessionStorage.removeItem(SESSION_KEY);
    }
  }
  await guarded(loadDrugs);
}

start().catch((err) => showError(err));
