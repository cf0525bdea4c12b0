/** What every page shares: error display in Chinese, the header's token button, guarded actions. */
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

/** Header wiring every page shares: the token button and a last-resort handler so a script error is never silent. */
export function initPage() {
  const button = $('#token-button');
  if (button) {
    button.addEventListener('click', () => {
      void promptToken('输入新的访问令牌（药师、药剂科主任或信息科的令牌）。');
    });
  }
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
