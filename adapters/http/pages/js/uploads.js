/**
 * The upload outbox: counts per state, the list (filters: state, transaction, trace code, business key; pages of
 * 100), one upload with its attempts, and the operator's retry and hold (integration role: the API refuses other
 * tokens with AUTH_FORBIDDEN, which is shown in Chinese).
 */
import { api } from './api.js';
import { infnoName, uploadSourceName, uploadStateName } from './names.js';
import { $, clearError, fill, formatTime, guarded, h, initPage, showError } from './ui.js';

const PAGE = 100;
let rows = [];
let nextAfterId = null;
let selectedId = null;

function query(afterId) {
  const f = new FormData($('#filters'));
  const q = new URLSearchParams();
  for (const key of ['state', 'infno', 'traceCode', 'businessKey']) {
    const v = String(f.get(key) ?? '').trim();
    if (v) {
      q.set(key, v);
    }
  }
  q.set('limit', String(PAGE));
  if (afterId) {
    q.set('afterId', String(afterId));
  }
  return `/uploads?${q}`;
}

function renderCounts(counts, oldest) {
  fill(
    $('#counts'),
    ...Object.keys(uploadStateName).map((state) =>
      h(
        'button',
        {
          type: 'button',
          class: `count-card secondary${(state === 'dead' || state === 'ambiguous') && counts[state] > 0 ? ' alert' : ''}`,
          dataset: { state },
          title: '只看这一状态',
          onclick: () => {
            $('#filter-state').value = state;
            void load();
          },
        },
        h('div', { class: 'muted small' }, uploadStateName[state]),
        h('div', { class: 'n' }, String(counts[state] ?? 0))
      )
    )
  );
  $('#oldest').textContent = oldest ? `最早一条未上传的记录创建于 ${formatTime(oldest)}` : '没有待上传的记录';
}

function renderList() {
  fill(
    $('#upload-list'),
    ...rows.map((u) => {
      const box = h('input', { type: 'checkbox', class: 'pick', value: u.id, title: '选中' });
      box.addEventListener('click', (e) => e.stopPropagation());
      return h(
        'tr',
        {
          class: `clickable${u.id === selectedId ? ' selected' : ''}`,
          dataset: { id: u.id, state: u.state },
          onclick: () => void showDetail(u.id),
        },
        h('td', {}, box),
        h('td', { class: 'num' }, String(u.id)),
        h('td', { class: 'nowrap' }, `${u.infno} ${infnoName[u.infno] ?? ''}`),
        h('td', { class: 'code' }, u.businessKey),
        h('td', {}, uploadSourceName[u.source] ?? u.source),
        h('td', {}, h('span', { class: `badge state-${u.state}` }, uploadStateName[u.state] ?? u.state)),
        h('td', { class: 'num' }, String(u.attempts)),
        h('td', { class: 'small' }, u.lastError ?? ''),
        h('td', { class: 'nowrap' }, formatTime(u.createdAt)),
        h('td', { class: 'nowrap' }, u.state === 'delivered' ? formatTime(u.deliveredAt) : formatTime(u.nextAttemptAt))
      );
    })
  );
  $('#list-empty').hidden = rows.length > 0;
  $('#more').hidden = !nextAfterId;
}

async function load(append = false) {
  await guarded(async () => {
    const res = await api('GET', query(append ? nextAfterId : null));
    renderCounts(res.counts, res.oldestUndelivered);
    rows = append ? [...rows, ...res.uploads] : res.uploads;
    nextAfterId = res.nextAfterId;
    renderList();
  });
}

async function showDetail(id) {
  selectedId = id;
  renderList();
  await guarded(async () => {
    const { upload: u, attempts } = await api('GET', `/uploads/${id}`);
    $('#detail-title').textContent = `上传 #${u.id} · ${u.infno} ${infnoName[u.infno] ?? ''}`;
    const fact = (k, v) => (v === null || v === undefined || v === '' ? [] : [h('dt', {}, k), h('dd', {}, v)]);
    fill(
      $('#detail-facts'),
      ...fact('状态', h('span', { class: `badge state-${u.state}` }, uploadStateName[u.state] ?? u.state)),
      ...fact('流水号', u.businessKey),
      ...fact('来源', `${uploadSourceName[u.source] ?? u.source} · ${u.sessionId}`),
      ...fact('尝试次数', String(u.attempts)),
      ...fact(
        '错误类别',
        { transient: '临时（可重试）', ambiguous: '结果未知', permanent: '永久（内容被拒）' }[u.errorClass] ??
          u.errorClass
      ),
      ...fact('最近错误', u.lastError),
      ...fact('最近报文 ID', u.lastMsgid),
      ...fact('创建', formatTime(u.createdAt)),
      ...fact('更新', formatTime(u.updatedAt)),
      ...fact('上传成功', u.deliveredAt ? formatTime(u.deliveredAt) : null),
      ...fact('下次尝试', u.nextAttemptAt ? formatTime(u.nextAttemptAt) : null),
      ...fact('原上传', u.originalId ? `#${u.originalId}` : null)
    );
    $('#detail-payload').textContent = JSON.stringify(u.payload, null, 2);
    fill(
      $('#attempts'),
      ...attempts.map((a) =>
        h(
          'tr',
          {},
          h('td', {}, String(a.attempt)),
          h('td', {}, a.infno),
          h('td', { class: 'code small' }, a.msgid),
          h('td', { class: 'nowrap' }, formatTime(a.startedAt)),
          h('td', { class: 'nowrap' }, formatTime(a.finishedAt)),
          h('td', {}, a.outcome ?? '—'),
          h('td', {}, a.httpStatus ?? '—'),
          h('td', {}, a.infcode ?? '—'),
          h(
            'td',
            { class: 'small' },
            a.message ?? '',
            a.request || a.response
              ? h(
                  'details',
                  {},
                  h('summary', {}, '报文'),
                  a.request ? h('pre', { class: 'json' }, a.request) : null,
                  a.response ? h('pre', { class: 'json' }, a.response) : null
                )
              : null
          )
        )
      )
    );
    $('#attempts-empty').hidden = attempts.length > 0;
    $('#detail').hidden = false;
  });
}

function pickedIds() {
  return [...document.querySelectorAll('#upload-list input.pick:checked')].map((b) => Number(b.value));
}

async function act(kind) {
  const where = $('#action-error');
  clearError(where);
  $('#action-result').hidden = true;
  const ids = pickedIds();
  if (ids.length === 0) {
    fill(where, h('span', { class: 'error-text' }, '请先勾选要处理的上传记录'));
    where.hidden = false;
    return;
  }
  let body = { ids };
  if (kind === 'hold') {
    const reason = await askHoldReason();
    if (!reason) {
      return;
    }
    body = { ids, reason };
  }
  try {
    const res = await api('POST', `/uploads/${kind}`, body);
    $('#action-result').textContent =
      `${kind === 'retry' ? '已重试' : '已暂缓'} ${res.changed} 条（共选中 ${ids.length} 条）`;
    $('#action-result').hidden = false;
    await load();
  } catch (err) {
    showError(err, where);
  }
}

function askHoldReason() {
  const dialog = $('#hold-dialog');
  const field = $('#hold-reason');
  field.value = '';
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok' ? field.value.trim() : null), {
      once: true,
    });
    dialog.showModal();
    field.focus();
  });
}

initPage();
for (const [state, name] of Object.entries(uploadStateName)) {
  $('#filter-state').append(h('option', { value: state }, name));
}
for (const infno of ['3501', '3502', '3503', '3504', '3505', '3506', '3507']) {
  $('#filter-infno').append(h('option', { value: infno }, `${infno} ${infnoName[infno]}`));
}
$('#filters').addEventListener('submit', (e) => {
  e.preventDefault();
  void load();
});
$('#refresh').addEventListener('click', () => void load());
$('#more').addEventListener('click', () => void load(true));
$('#select-all').addEventListener('change', (e) => {
  for (const box of document.querySelectorAll('#upload-list input.pick')) {
    box.checked = e.target.checked;
  }
});
$('#retry').addEventListener('click', () => void act('retry'));
$('#hold').addEventListener('click', () => void act('hold'));
void load();
