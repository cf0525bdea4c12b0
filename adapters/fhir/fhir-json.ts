/**
 * Reading untyped FHIR JSON with the path every value was found at, so a missing or wrong field is reported as
 * `MedicationDispense.contained[1].identifier` rather than "bad input".
 */
import { fieldInvalid, fieldMissing } from './fhir-problems.js';

/** A JSON object and where it sits in the message. */
export interface Node {
  value: Record<string, unknown>;
  path: string;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const absent = (v: unknown): boolean => v === undefined || v === null;

/** A child object, or null when absent. `what` names it for people (Chinese). */
export function optionalChild(node: Node, key: string, what: string): Node | null {
  const v = node.value[key];
  const path = `${node.path}.${key}`;
  if (absent(v)) {
    return null;
  }
  if (!isObject(v)) {
    throw fieldInvalid(path, what, '应为 JSON 对象');
  }
  return { value: v, path };
}

export function child(node: Node, key: string, what: string): Node {
  const found = optionalChild(node, key, what);
  if (!found) {
    throw fieldMissing(`${node.path}.${key}`, what);
  }
  return found;
}

/** The objects of an array element (absent = none). */
export function children(node: Node, key: string, what: string): Node[] {
  const v = node.value[key];
  const path = `${node.path}.${key}`;
  if (absent(v)) {
    return [];
  }
  if (!Array.isArray(v)) {
    throw fieldInvalid(path, what, '应为数组');
  }
  return v.map((item, i) => {
    if (!isObject(item)) {
      throw fieldInvalid(`${path}[${i}]`, what, '应为 JSON 对象');
    }
    return { value: item, path: `${path}[${i}]` };
  });
}

/** A non-blank string (trimmed), or null when absent. */
export function optionalText(node: Node, key: string, what: string): string | null {
  const v = node.value[key];
  const path = `${node.path}.${key}`;
  if (absent(v)) {
    return null;
  }
  if (typeof v !== 'string') {
    throw fieldInvalid(path, what, '应为字符串');
  }
  const text = v.trim();
  if (text === '') {
    throw fieldMissing(path, what);
  }
  return text;
}

export function text(node: Node, key: string, what: string): string {
  const found = optionalText(node, key, what);
  if (found === null) {
    throw fieldMissing(`${node.path}.${key}`, what);
  }
  return found;
}

/** A positive number (FHIR decimal), or null when absent. */
export function optionalPositive(node: Node, key: string, what: string): number | null {
  const v = node.value[key];
  if (absent(v)) {
    return null;
  }
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw fieldInvalid(`${node.path}.${key}`, what, `应为正数（收到 ${JSON.stringify(v)}）`);
  }
  return v;
}

/** A text no longer than `max` characters (HIS numbers are stored in columns of bounded width). */
export function bounded(value: string, max: number, path: string, what: string): string {
  if (value.length > max) {
    throw fieldInvalid(path, what, `超过 ${max} 个字符`);
  }
  return value;
}
