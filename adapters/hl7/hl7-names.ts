/**
 * People in HL7 fields: a patient name (XPN: family^given) and a provider (XCN: id^family^given). Chinese HIS
 * usually put the whole name in the first name component; when they split it, 王^小明 reads 王小明 (no space).
 */
import type { Hl7FieldPath } from './hl7-field-path.js';
import type { Hl7Message, Hl7Segment } from './hl7-message.js';
import { valueOf } from './hl7-message.js';

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

export function joinName(family: string, given: string): string {
  if (family === '' || given === '') {
    return family || given;
  }
  return CJK.test(family) || CJK.test(given) ? `${family}${given}` : `${family} ${given}`;
}

/** XPN: family and given name; a configured component is read as it is. */
export function personName(message: Hl7Message, path: Hl7FieldPath): string {
  if (path.component !== null) {
    return message.value(path);
  }
  for (const segment of message.all(path.segment)) {
    const name = joinName(valueOf(segment, path.field, 1), valueOf(segment, path.field, 2));
    if (name !== '') {
      return name;
    }
  }
  return '';
}

/** XCN as a name (the doctor on the prescription): family and given, else the id. */
export function providerName(segment: Hl7Segment, field: number): string {
  return joinName(valueOf(segment, field, 2), valueOf(segment, field, 3)) || valueOf(segment, field, 1);
}

/** XCN as an actor (who dispensed): the id the HIS knows the person by, else the name. */
export function providerId(segment: Hl7Segment, field: number): string {
  return valueOf(segment, field, 1) || joinName(valueOf(segment, field, 2), valueOf(segment, field, 3));
}
