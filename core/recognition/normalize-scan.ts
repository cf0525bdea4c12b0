/**
 * Scanner input cleaning. Keyboard-wedge scanners add terminators, symbology prefixes and keyboard-layout
 * artefacts, and a Chinese IME may turn digits full-width; none of that is part of the code.
 */

/** ASCII 29, the group separator a scanner sends where the symbol holds FNC1 as a separator. */
export const GS = '\u001d';

/**
 * GS stand-ins mapped by default. Each one either uses characters outside GS1 AI charset 82 (`\`, `^`, `]`, `[`,
 * `{`, `␝`), so no lot or serial can contain it, or is a spelled-out name no real lot reads as. `+` (what
 * Ctrl+] becomes on a German layout) and `|` are in charset 82 or plausible in enterprise codes, so they are only
 * mapped when a site configures them.
 */
export const DEFAULT_GS_SUBSTITUTES: readonly string[] = [
  '<GS>',
  '<gs>',
  '[GS]',
  '{GS}',
  '<FNC1>',
  '[FNC1]',
  '{FNC1}',
  '\\x1d',
  '\\x1D',
  '\\u001d',
  '\\u001D',
  '^]',
  '\u241d', // ␝ SYMBOL FOR GROUP SEPARATOR, what some tools print instead of the control character
  ']', // Ctrl+] with the Ctrl lost; an AIM prefix at the start is removed before this applies
];

export interface NormalizedScan {
  /** The cleaned text: no prefix, no terminators, GS as ASCII 29, ASCII instead of full-width. */
  text: string;
  /** The AIM symbology identifier the scanner put in front (`]d2`, `]C1`, …), or null. */
  symbology: string | null;
}

// BOM, zero-width and bidi marks, soft hyphen, Mongolian vowel separator: invisible and never part of a code.
const INVISIBLE = /[\uFEFF\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\u00AD\u180E]/g;
const AIM_PREFIX = /^\][A-Za-z][0-9]/;
const WHITESPACE = /\s/;

export function normalizeScan(raw: string, gsSubstitutes: readonly string[] = []): NormalizedScan {
  let text = trimEdges(foldFullWidth(raw.replace(INVISIBLE, '')));
  let symbology: string | null = null;
  const aim = AIM_PREFIX.exec(text);
  if (aim) {
    symbology = aim[0];
    text = text.slice(aim[0].length);
  }
  text = mapGsSubstitutes(text, gsSubstitutes);
  return { text: collapseGs(trimEdges(text)), symbology };
}

/** Full-width ASCII (U+FF01–U+FF5E) and the ideographic space, which a Chinese IME produces, to plain ASCII. */
export function foldFullWidth(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xff01 && code <= 0xff5e) {
      out += String.fromCharCode(code - 0xfee0);
    } else if (code === 0x3000) {
      out += ' ';
    } else {
      out += text[i];
    }
  }
  return out;
}

/** Terminators (CR, LF, TAB), spaces, other controls and a leading/trailing GS carry no data at the edges. */
function isEdgeJunk(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return code <= 0x20 || code === 0x7f || WHITESPACE.test(ch);
}

function trimEdges(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isEdgeJunk(text.charAt(start))) {
    start++;
  }
  while (end > start && isEdgeJunk(text.charAt(end - 1))) {
    end--;
  }
  return text.slice(start, end);
}

function mapGsSubstitutes(text: string, configured: readonly string[]): string {
  // Site substitutes first and longest first, so '^]' is replaced whole before ']' alone is.
  const site = configured
    .filter((s): s is string => typeof s === 'string') // configuration arrives from YAML; be lenient
    .map(foldFullWidth)
    .filter((s) => s !== '' && !s.includes(GS))
    .sort((a, b) => b.length - a.length);
  let out = text;
  for (const substitute of [...site, ...DEFAULT_GS_SUBSTITUTES]) {
    if (out.includes(substitute)) {
      out = out.split(substitute).join(GS);
    }
  }
  return out;
}

/** Two separators in a row separate nothing; a scanner that sends GS plus a substitute produces them. */
function collapseGs(text: string): string {
  return text.includes(GS + GS) ? text.replace(/\u001d{2,}/g, GS) : text; // eslint-disable-line no-control-regex
}
