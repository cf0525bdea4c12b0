/** DOM helpers: an element builder (text only, never HTML strings), times, visible control characters. */

/**
 * h('td', { class: 'x', dataset: { line: 1 }, onclick: fn }, 'text', child…) — children are nodes or text;
 * null/undefined/false children are skipped. Text is always set as text, so nothing from the API becomes markup.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (value === true) {
      el.setAttribute(key, '');
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

/** Replace an element's children; like h(), skips null/false and flattens arrays (replaceChildren would print them). */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    if (Array.isArray(child)) {
      append(el, child);
    } else {
      el.append(child instanceof Node ? child : String(child));
    }
  }
}

export const $ = (selector, root = document) => root.querySelector(selector);

const pad = (n) => String(n).padStart(2, '0');

/** 2026-11-22 08:15:03 in the browser's local time; '—' for nothing. */
export function formatTime(iso) {
  if (!iso) {
    return '—';
  }
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) {
    return String(iso);
  }
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/g;

/** Control characters made visible for display only: GS as ⟨GS⟩, others as ⟨0x..⟩. The data is never changed. */
export function visibleControls(text) {
  return String(text).replace(CONTROL, (c) =>
    c === '\u001d' ? '⟨GS⟩' : `⟨0x${c.charCodeAt(0).toString(16).padStart(2, '0')}⟩`
  );
}
