/**
 * A keyboard-wedge scanner is a keyboard: it types the code, then Enter. On the scan input:
 * - Enter (or the keypad's Enter) ends a scan; nothing else does, so a 2D code's embedded characters never submit
 *   it early, and the page sends no scan on a timer or a length;
 * - every character typed is kept as typed: control characters and the GS substitutes (`<GS>`, `^]`, `␝`…) go to
 *   the server, which normalises them; the page trims nothing;
 * - Ctrl+] — how many scanners type the GS1 group separator (ASCII 29) — becomes that character; a browser would
 *   otherwise drop it and glue the lot to the serial;
 * - Tab is swallowed, so a scanner's Tab suffix cannot move the focus away;
 * - a multi-line paste is one scan per line (a text input would join the lines into one).
 */
export const GS = '\u001d';

/** True for the keys that mean the GS1 group separator. */
export function isGroupSeparatorKey(e) {
  if (e.key === GS) {
    return true;
  }
  return e.ctrlKey && !e.altKey && !e.metaKey && (e.key === ']' || e.code === 'BracketRight');
}

/**
 * @param {HTMLInputElement} input
 * @param {{ onScan: (raw: string) => void, onComposing?: (composing: boolean) => void }} handlers
 */
export function attachWedge(input, { onScan, onComposing = () => {} }) {
  const insert = (text) => {
    const start = input.selectionStart ?? input.value.length;
    const end = input.selectionEnd ?? start;
    input.setRangeText(text, start, end, 'end');
  };
  const submit = () => {
    const raw = input.value;
    input.value = '';
    onComposing(false);
    if (raw.trim() !== '') {
      onScan(raw);
    }
  };
  input.addEventListener('keydown', (e) => {
    // An IME composing: its Enter confirms the composition and is not a scan's end.
    if (e.isComposing || e.keyCode === 229) {
      return;
    }
    if (e.key === 'Enter') {
      e.preventDefault();
      submit();
    } else if (isGroupSeparatorKey(e)) {
      e.preventDefault();
      insert(GS);
    } else if (e.key === 'Tab') {
      e.preventDefault();
    }
  });
  input.addEventListener('compositionstart', () => onComposing(true));
  input.addEventListener('paste', (e) => {
    const text = e.clipboardData?.getData('text') ?? '';
    if (!/[\r\n]/.test(text)) {
      return; // one line: the browser inserts it as it is
    }
    e.preventDefault();
    const start = input.selectionStart ?? input.value.length;
    const end = input.selectionEnd ?? start;
    const parts = (input.value.slice(0, start) + text + input.value.slice(end)).split(/\r\n|\r|\n/);
    input.value = parts.pop() ?? '';
    for (const part of parts) {
      if (part.trim() !== '') {
        onScan(part);
      }
    }
  });
}
