/**
 * Why a FHIR message could not be read, as typed errors: a machine code, a Chinese message a pharmacist or the HIS
 * engineer can act on, and `details.path` (FHIRPath-like) saying where in the resource the problem is.
 */
import { invalid, type TracegateError } from '../../core/errors.js';

/** The body is not UTF-8 JSON. */
export function jsonInvalid(why: string): TracegateError {
  return invalid('FHIR_JSON_INVALID', `FHIR 消息不是有效的 JSON（${why}）`, { path: '(body)' });
}

/** JSON, but not the resource this channel reads (another resourceType, a Bundle without one MedicationDispense). */
export function resourceInvalid(why: string, path: string): TracegateError {
  return invalid('FHIR_RESOURCE_INVALID', `FHIR 消息不是可处理的发药记录：${why}`, { path });
}

export function fieldMissing(path: string, what: string): TracegateError {
  return invalid('FHIR_FIELD_MISSING', `FHIR 发药记录缺少${what}（${path}）`, { path });
}

export function fieldInvalid(path: string, what: string, why: string): TracegateError {
  return invalid('FHIR_FIELD_INVALID', `FHIR 发药记录的${what}不正确（${path}）：${why}`, { path });
}

export function referenceUnresolved(path: string, reference: string): TracegateError {
  return invalid(
    'FHIR_REFERENCE_UNRESOLVED',
    `FHIR 发药记录引用的药盒 ${reference} 找不到（${path}）：药盒 Medication 应放在 contained 中，或与发药记录同在一个 Bundle 中`,
    { path, reference }
  );
}

/** Only a completed dispense means boxes were handed over (or brought back). */
export function statusNotCompleted(path: string, status: string): TracegateError {
  return invalid(
    'FHIR_STATUS_NOT_COMPLETED',
    status === 'entered-in-error'
      ? `HIS 已将此发药记录标记为录入错误（entered-in-error），追溯码台账不会自动撤销，请药房主管核查（${path}）`
      : `发药记录状态为 ${status}，只有 completed（已发药/已退药）的记录才处理（${path}）`,
    { path, status }
  );
}
