/**
 * The pages' one way to the API: the bearer token the user entered once (kept in localStorage), JSON in and out,
 * and every failure turned into an ApiError whose text is Chinese. A 401 opens the token prompt and, once a
 * token is saved, repeats the request, so a scan typed while the token was missing or wrong is not lost.
 */
import { h } from './dom.js';

const TOKEN_KEY = 'tracegate.token';

export function getToken() {
  try {
    return localStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

export function setToken(token) {
  try {
    if (token) {
      localStorage.setItem(TOKEN_KEY, token);
    } else {
      localStorage.removeItem(TOKEN_KEY);
    }
  } catch {
    // Private mode without storage: the token lives until the page is closed.
  }
  memoryToken = token;
}

let memoryToken = '';
const currentToken = () => getToken() || memoryToken;

export class ApiError extends Error {
  /**
   * @param {number} status HTTP status, 0 when the server was not reached
   * @param {string} code the API's machine code (or NETWORK, BAD_RESPONSE)
   * @param {string} message the API's message (Chinese where a pharmacist reads it)
   * @param {object} [details]
   * @param {string} [requestId]
   */
  constructor(status, code, message, details, requestId) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details ?? null;
    this.requestId = requestId ?? null;
  }
}

const roleNames = {
  pharmacist: '药师（pharmacist）',
  'pharmacy-head': '药剂科主任（pharmacy-head）',
  admin: '管理员（admin）',
  integration: '接口/信息科（integration）',
};

const hasChinese = (s) => /[\u4e00-\u9fff]/.test(s);

/** The Chinese sentence a user reads for an error (the machine code is shown beside it, not in it). */
export function chineseMessage(err) {
  if (!(err instanceof ApiError)) {
    const text = err instanceof Error ? err.message : String(err);
    return `页面出错：${text}`;
  }
  switch (err.code) {
    case 'NETWORK':
      return '无法连接溯码网关，请检查网络，或请信息科确认服务正在运行';
    case 'BAD_RESPONSE':
      return `溯码网关的回答无法识别（HTTP ${err.status}）`;
    case 'AUTH_REQUIRED':
    case 'AUTH_INVALID':
      return '访问令牌缺失或无效，请点右上角「令牌」重新输入';
    case 'AUTH_FORBIDDEN': {
      const roles = /roles?:\s*(.+)$/.exec(err.message)?.[1]?.split(/,\s*/) ?? [];
      const names = roles.map((r) => roleNames[r.trim()] ?? r.trim()).join('、');
      return `当前令牌的角色无权执行此操作${names ? `，需要：${names}` : ''}`;
    }
    case 'ROUTE_NOT_FOUND':
      return '溯码网关没有这个接口（该功能可能尚未启用，或服务版本较旧）';
    case 'BODY_INVALID': {
      const problems = err.details?.problems ?? [];
      const list = problems.map((p) => `${p.field}：${p.message}`).join('；');
      return `提交的内容有误${list ? `：${list}` : ''}`;
    }
    case 'BODY_INVALID_JSON':
      return '提交的内容不是有效的 JSON';
    case 'BODY_TOO_LARGE':
      return '提交的内容太大';
    case 'INTERNAL':
      return `溯码网关内部错误，请联系信息科${err.requestId ? `（请求编号 ${err.requestId}）` : ''}`;
    default:
      if (hasChinese(err.message)) {
        return err.message;
      }
      if (err.status === 503) {
        return `服务暂不可用：${err.message}`;
      }
      return `溯码网关返回错误：${err.message}`;
  }
}

/**
 * Call the API. `path` is under /api/v1. Returns the parsed JSON; throws ApiError.
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 */
export async function api(method, path, body) {
  for (;;) {
    const token = currentToken();
    if (!token) {
      if (!(await promptToken('请输入访问令牌（由信息科发放）。'))) {
        throw new ApiError(401, 'AUTH_REQUIRED', 'missing bearer token');
      }
      continue;
    }
    const res = await send(method, path, body, token);
    if (res.status === 401) {
      const err = await errorOf(res);
      if (!(await promptToken('令牌无效或已失效，请重新输入。'))) {
        throw err;
      }
      continue;
    }
    if (!res.ok) {
      throw await errorOf(res);
    }
    if (res.status === 204) {
      return null;
    }
    try {
      return await res.json();
    } catch {
      throw new ApiError(res.status, 'BAD_RESPONSE', 'response is not JSON');
    }
  }
}

/** Fetch an export (CSV/XLSX) with the token and hand it to the browser as a download. */
export async function download(path, fallbackName) {
  for (;;) {
    const token = currentToken();
    if (!token && !(await promptToken('请输入访问令牌（由信息科发放）。'))) {
      throw new ApiError(401, 'AUTH_REQUIRED', 'missing bearer token');
    }
    const res = await send('GET', path, undefined, currentToken());
    if (res.status === 401) {
      if (!(await promptToken('令牌无效或已失效，请重新输入。'))) {
        throw await errorOf(res);
      }
      continue;
    }
    if (!res.ok) {
      throw await errorOf(res);
    }
    const blob = await res.blob();
    const disposition = res.headers.get('content-disposition') ?? '';
    const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
    const plain = /filename="?([^";]+)"?/i.exec(disposition)?.[1];
    const name = star ? decodeURIComponent(star) : (plain ?? fallbackName);
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    return name;
  }
}

async function send(method, path, body, token) {
  const headers = { accept: 'application/json', authorization: `Bearer ${token}` };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  try {
    return await fetch(`/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'network error');
  }
}

async function errorOf(res) {
  const requestId = res.headers.get('x-request-id') ?? undefined;
  try {
    const json = await res.json();
    const e = json?.error;
    if (e && typeof e.code === 'string') {
      return new ApiError(res.status, e.code, String(e.message ?? ''), e.details, requestId);
    }
  } catch {
    // not JSON: fall through
  }
  return new ApiError(res.status, 'BAD_RESPONSE', `HTTP ${res.status}`, undefined, requestId);
}

let pendingPrompt = null;

/** Ask for the token in a modal dialog; resolves true once one is saved, false when the user cancels. */
export function promptToken(reason) {
  if (pendingPrompt) {
    return pendingPrompt;
  }
  const input = h('input', {
    type: 'password',
    name: 'token',
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: '例如 demo-pharmacist-token',
    id: 'token-input',
  });
  const dialog = h(
    'dialog',
    { class: 'token-dialog', id: 'token-dialog' },
    h(
      'form',
      { method: 'dialog' },
      h('h2', {}, '访问令牌'),
      h('p', { class: 'muted' }, reason),
      h('label', { for: 'token-input' }, '令牌'),
      input,
      h('p', { class: 'muted small' }, '令牌只保存在本机浏览器中。'),
      h(
        'div',
        { class: 'dialog-actions' },
        h('button', { value: 'cancel', type: 'submit', class: 'secondary' }, '取消'),
        h('button', { value: 'ok', type: 'submit', id: 'token-save' }, '保存')
      )
    )
  );
  document.body.append(dialog);
  pendingPrompt = new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      const value = input.value.trim();
      const ok = dialog.returnValue === 'ok' && value !== '';
      if (ok) {
        setToken(value);
        document.dispatchEvent(new CustomEvent('tracegate:token'));
      }
      dialog.remove();
      pendingPrompt = null;
      resolve(ok);
    });
  });
  dialog.showModal();
  input.focus();
  return pendingPrompt;
}
