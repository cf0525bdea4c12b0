/**
 * The packs (boxes) of one MedicationDispense and the HIS drug they are: one Medication per pack, referenced from
 * the dispense's `pack` extensions (or, for a single pack, from `medicationReference`), each identified by its trace
 * code (identifier with the trace-code system) with its batch (lot, expiry). The drug is the coding with the HIS
 * drug-code system in `medicationCodeableConcept`, or in the referenced Medications' `code`.
 */
import type { DispenseDocument } from './dispense-document.js';
import type { FhirCodes } from './fhir-config.js';
import { children, optionalChild, optionalText, text, type Node } from './fhir-json.js';
import { fieldInvalid, fieldMissing, referenceUnresolved } from './fhir-problems.js';

export interface DispensedPack {
  traceCode: string;
  lot: string | null;
  /** yyyy-MM-dd, as the HIS sent it. */
  expiry: string | null;
  /** Where the Medication is, for messages. */
  path: string;
}

export interface DispensedDrug {
  hisDrugCode: string;
  packs: DispensedPack[];
}

export function dispensedDrug(doc: DispenseDocument, codes: FhirCodes): DispensedDrug {
  const { dispense } = doc;
  const concept = optionalChild(dispense, 'medicationCodeableConcept', '药品（medicationCodeableConcept）');
  const reference = optionalChild(dispense, 'medicationReference', '药品引用（medicationReference）');
  if (concept && reference) {
    throw fieldInvalid(dispense.path, 'medication[x]', 'medicationCodeableConcept 与 medicationReference 只能有一个');
  }
  const product = reference ? resolveMedication(doc, reference) : null;
  const packNodes = packReferences(doc, codes).map((r) => resolveMedication(doc, r));
  // One pack may be the dispense's own medicationReference, when no pack extension lists the packs.
  const packs = packNodes.length === 0 && product && hasTraceCode(product, codes) ? [product] : packNodes;
  const hisDrugCode = drugCodeOf(dispense, concept, product, packs, codes);
  return { hisDrugCode, packs: packs.map((p) => packOf(p, codes)) };
}

/** The pack extensions' references, in order. */
function packReferences(doc: DispenseDocument, codes: FhirCodes): Node[] {
  return children(doc.dispense, 'extension', '扩展（extension）')
    .filter((e) => e.value.url === codes.extensions.pack)
    .map((e) => {
      const ref = optionalChild(e, 'valueReference', '药盒引用（valueReference）');
      if (!ref) {
        throw fieldMissing(`${e.path}.valueReference`, '药盒引用（valueReference → Medication）');
      }
      return ref;
    });
}

function resolveMedication(doc: DispenseDocument, reference: Node): Node {
  const ref = text(reference, 'reference', '药盒引用（reference）');
  const found = doc.resolve(ref);
  if (!found) {
    throw referenceUnresolved(`${reference.path}.reference`, ref);
  }
  if (found.value.resourceType !== 'Medication') {
    throw fieldInvalid(
      `${reference.path}.reference`,
      '药盒引用',
      `应指向 Medication，实际是 ${String(found.value.resourceType)}`
    );
  }
  return found;
}

function traceIdentifier(medication: Node, codes: FhirCodes): Node | undefined {
  return children(medication, 'identifier', '标识（identifier）').find(
    (i) => i.value.system === codes.systems.traceCode
  );
}

function hasTraceCode(medication: Node, codes: FhirCodes): boolean {
  return traceIdentifier(medication, codes) !== undefined;
}

function packOf(medication: Node, codes: FhirCodes): DispensedPack {
  const identifier = traceIdentifier(medication, codes);
  if (!identifier) {
    throw fieldMissing(`${medication.path}.identifier`, `药盒追溯码（identifier.system = ${codes.systems.traceCode}）`);
  }
  const traceCode = text(identifier, 'value', '药盒追溯码（identifier.value）');
  const batch = optionalChild(medication, 'batch', '批次（batch）');
  const lot = batch ? optionalText(batch, 'lotNumber', '批号（batch.lotNumber）') : null;
  const expiry = batch ? optionalText(batch, 'expirationDate', '有效期（batch.expirationDate）') : null;
  if (batch && expiry !== null && !/^\d{4}-\d{2}-\d{2}/.test(expiry)) {
    throw fieldInvalid(`${batch.path}.expirationDate`, '有效期', `「${expiry}」应为 yyyy-MM-dd`);
  }
  return { traceCode, lot, expiry: expiry?.slice(0, 10) ?? null, path: medication.path };
}

/** The HIS drug code: the dispense's concept, else the referenced Medication, else the packs; all must agree. */
function drugCodeOf(
  dispense: Node,
  concept: Node | null,
  product: Node | null,
  packs: Node[],
  codes: FhirCodes
): string {
  const named = [concept, ...[product, ...packs].map((m) => m && optionalChild(m, 'code', '药品编码（code）'))]
    .filter((n): n is Node => n !== null)
    .map((n) => ({ code: hisCoding(n, codes), path: n.path }))
    .filter((n): n is { code: string; path: string } => n.code !== null);
  const first = named[0];
  if (!first) {
    throw fieldMissing(
      `${dispense.path}.medicationCodeableConcept.coding`,
      `HIS 药品编码（coding.system = ${codes.systems.hisDrugCode}）`
    );
  }
  const other = named.find((n) => n.code !== first.code);
  if (other) {
    throw fieldInvalid(
      other.path,
      'HIS 药品编码',
      `${other.code} 与 ${first.code}（${first.path}）不一致，一条发药记录只能是一种药`
    );
  }
  return first.code;
}

/** The code of the coding with the HIS drug-code system in a CodeableConcept, or null. */
function hisCoding(concept: Node, codes: FhirCodes): string | null {
  const coding = children(concept, 'coding', '编码（coding）').find(
    (c) => c.value.system === codes.systems.hisDrugCode
  );
  return coding ? text(coding, 'code', 'HIS 药品编码（coding.code）') : null;
}
