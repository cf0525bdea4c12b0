/** What every page shares: the header and its token button, error display in Chinese, guarded actions. */
import { ApiError, chineseMessage, promptToken } from './api.js';
import { $, fill, h } from './dom.js';

export { $, fill, formatTime, h, visibleControls } from './dom.js';

/** An error box's content: the Chinese sentence and the machine code. */
export function errorContent(err) {
  const code = err instanceof ApiError ? err.code : 'PAGE_ERROR';
  return [h('span', { class: 'error-text' }, chineseMessage(err)), ' ', h('code', { class: 'error-code' }, code)];
}

/** Show an error in the page's error banner (#page-error). */
export function showError(err, where = $('#page-error')) {
  if (!where) {
    return;
  }
  fill(where, ...errorContent(err));
  where.hidden = false;
}

export function clearError(where = $('#page-error')) {
  if (where) {
    where.hidden = true;
    fill(where);
  }
}

/** The pages in the header's navigation. */
const NAV = [
  ['scan.html', '扫码发药'],
  ['dashboard.html', '药剂科看板'],
  ['code.html', '追溯码查询'],
  ['uploads.html', '上传监控'],
];

/** The header every page shows: the brand, the navigation with this page marked current, the token button. */
function header() {
  // /ui/scan.html, or /ui/scan (the server adds .html); the index (/ui/) is none of the pages.
  const name = location.pathname.split('/').pop() ?? '';
  const current = name === '' || name.endsWith('.html') ? name : `${name}.html`;
  return h(
    'header',
    { class: 'top' },
    h('a', { class: 'brand', href: './' }, '溯码网关'),
    h('nav', {}, ...NAV.map(([href, label]) => h('a', { href, 'aria-current': href === current && 'page' }, label))),
    h('button', { id: 'token-button', class: 'secondary small', type: 'button' }, '令牌')
  );
}

/**
 * What every page does first: show the header (its token button asks for a new token) and install a last-resort
 * handler so a script error is never silent.
 */
export function initPage() {
  document.body.prepend(header());
  $('#token-button').addEventListener('click', () => {
    void promptToken('输入新的访问令牌（药师、药剂科主任或信息科的令牌）。');
  });
  window.addEventListener('error', (e) => showError(e.error ?? new Error(e.message)));
  window.addEventListener('unhandledrejection', (e) => showError(e.reason));
}

/** Run an async page action; a failure goes to the error banner instead of disappearing. */
export async function guarded(action, where) {
  try {
    clearError(where);
    return await action();
  } catch (err) {
    showError(err, where);
    return undefined;
  }
}
