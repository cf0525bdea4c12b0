/**
 * Missing-GS heuristic. A scanner that drops the GS after a variable-length element (lot, serial) makes that
 * element swallow everything after it, and the parser cannot tell: `…10LOT21SER` reads as lot "LOT21SER" and no
 * serial. Rather than accept a wrong serial, look inside the last element (the only one no GS ended) for a tail
 * that reads as pharma elements the scan is otherwise missing.
 *
 * Only tails that bring a missing serial (21), expiry (17) or GTIN (01) count. A scan that already has them all
 * (the usual 01+17+10+21 pack) is never flagged, so a serial that happens to contain "10…" or "11yymmdd" is kept.
 */
import {
  AI_EXPIRY,
  AI_GTIN,
  AI_LOT,
  AI_PRODUCTION_DATE,
  AI_SERIAL,
  isCharset82,
  isValidLotOrSerial,
  isVariableLengthAi,
  parseGs1Date,
} from './gs1-fields.js';
import { isValidGtin14 } from './gtin-check-digit.js';

export interface Gs1Element {
  ai: string;
  value: string;
}

export interface SwallowedElements {
  /** The AI of the element that ran on. */
  ai: string;
  /** What it probably held. */
  value: string;
  /** What it probably swallowed. */
  swallowed: Gs1Element[];
}

const EXPECTED_AIS = new Set([AI_SERIAL, AI_EXPIRY, AI_GTIN]);

export function findSwallowedElements(elements: readonly Gs1Element[]): SwallowedElements | null {
  const last = elements[elements.length - 1];
  if (!last || !isVariableLengthAi(last.ai)) {
    return null;
  }
  const present = new Set(elements.map((e) => e.ai));
  for (let i = 1; i < last.value.length - 2; i++) {
    const head = last.value.slice(0, i);
    if (!isPlausibleValue(last.ai, head)) {
      continue;
    }
    const tail = readPharmaTail(last.value.slice(i), present);
    if (tail && tail.some((e) => EXPECTED_AIS.has(e.ai))) {
      return { ai: last.ai, value: head, swallowed: tail };
    }
  }
  return null;
}

function isPlausibleValue(ai: string, value: string): boolean {
  return ai === AI_LOT || ai === AI_SERIAL ? isValidLotOrSerial(value) : isCharset82(value);
}

/** Reads the whole text as new pharma elements with valid content, or returns null. */
function readPharmaTail(text: string, present: ReadonlySet<string>): Gs1Element[] | null {
  const found: Gs1Element[] = [];
  const seen = new Set(present);
  let rest = text;
  while (rest.length > 0) {
    const ai = rest.slice(0, 2);
    if (seen.has(ai)) {
      return null;
    }
    let length: number;
    if (ai === AI_EXPIRY || ai === AI_PRODUCTION_DATE) {
      length = 6;
      if (parseGs1Date(rest.slice(2, 2 + length)) === null) {
        return null;
      }
    } else if (ai === AI_GTIN) {
      length = 14;
      if (!isValidGtin14(rest.slice(2, 2 + length))) {
        return null;
      }
    } else if (ai === AI_LOT || ai === AI_SERIAL) {
      // Without a GS a variable element runs to the end.
      length = rest.length - 2;
      if (!isValidLotOrSerial(rest.slice(2))) {
        return null;
      }
    } else {
      return null;
    }
    found.push({ ai, value: rest.slice(2, 2 + length) });
    seen.add(ai);
    rest = rest.slice(2 + length);
  }
  return found.length > 0 ? found : null;
}
