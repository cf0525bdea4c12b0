/**
 * The stored bytes as a MedicationDispense and a way to find the Medications (packs) it references: contained ones
 * (`#p1`) always; with the Bundle form (what the poller stores when the HIS keeps Medications as resources of their
 * own), also the Bundle's entries, found by fullUrl or by `Medication/{id}`.
 */
import { isObject, type Node } from './fhir-json.js';
import { jsonInvalid, resourceInvalid } from './fhir-problems.js';

export interface DispenseDocument {
  dispense: Node;
  /** The resource a reference names, or null when this message does not hold it. */
  resolve(reference: string): Node | null;
}

export type DocumentForms = 'resource' | 'resource-or-bundle';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function parseDispenseDocument(raw: Uint8Array, forms: DocumentForms): DispenseDocument {
  const root = parseJson(raw);
  if (!isObject(root) || typeof root.resourceType !== 'string') {
    throw resourceInvalid('不是 FHIR 资源（缺少 resourceType）', 'resourceType');
  }
  switch (root.resourceType) {
    case 'MedicationDispense':
      return withContained({ value: root, path: 'MedicationDispense' }, () => null);
    case 'Bundle':
      if (forms === 'resource-or-bundle') {
        return fromBundle({ value: root, path: 'Bundle' });
      }
      throw resourceInvalid('此地址只接收 MedicationDispense 资源（收到 Bundle）', 'resourceType');
    default:
      throw resourceInvalid(`应为 MedicationDispense，收到 ${root.resourceType}`, 'resourceType');
  }
}

function parseJson(raw: Uint8Array): unknown {
  let source: string;
  try {
    source = utf8.decode(raw);
  } catch {
    return fail('不是 UTF-8 编码');
  }
  if (source.trim() === '') {
    return fail('消息体为空');
  }
  try {
    // TextDecoder drops a UTF-8 BOM itself.
    return JSON.parse(source) as unknown;
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
}

function fail(why: string): never {
  throw jsonInvalid(why);
}

function withContained(dispense: Node, outside: (reference: string) => Node | null): DispenseDocument {
  const contained = Array.isArray(dispense.value.contained) ? dispense.value.contained : [];
  return {
    dispense,
    resolve(reference) {
      if (!reference.startsWith('#')) {
        return outside(reference);
      }
      const i = contained.findIndex((r) => isObject(r) && r.id === reference.slice(1));
      const found: unknown = contained[i];
      return isObject(found) ? { value: found, path: `${dispense.path}.contained[${i}]` } : null;
    },
  };
}

function fromBundle(bundle: Node): DispenseDocument {
  const entries = Array.isArray(bundle.value.entry) ? bundle.value.entry : [];
  const resources = entries.map((e, i) => ({
    fullUrl: isObject(e) && typeof e.fullUrl === 'string' ? e.fullUrl : null,
    resource: isObject(e) && isObject(e.resource) ? e.resource : null,
    path: `Bundle.entry[${i}].resource`,
  }));
  const dispenses = resources.filter((r) => r.resource?.resourceType === 'MedicationDispense');
  const only = dispenses[0];
  if (dispenses.length !== 1 || !only?.resource) {
    throw resourceInvalid(`Bundle 中应有且只有一个 MedicationDispense（收到 ${dispenses.length} 个）`, 'Bundle.entry');
  }
  return withContained({ value: only.resource, path: only.path }, (reference) => {
    const hit = resources.find((r) => r.resource !== null && names(r.fullUrl, r.resource, reference));
    return hit?.resource ? { value: hit.resource, path: hit.path } : null;
  });
}

/** `urn:uuid:…` matches its fullUrl; `Medication/7` matches `http://his/fhir/Medication/7` or the resource's id. */
function names(fullUrl: string | null, resource: Record<string, unknown>, reference: string): boolean {
  if (fullUrl !== null && (fullUrl === reference || fullUrl.endsWith(`/${reference}`))) {
    return true;
  }
  return typeof resource.id === 'string' && `${String(resource.resourceType)}/${resource.id}` === reference;
}
