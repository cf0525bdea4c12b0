/**
 * `doctor` and /readyz: does the HIS's FHIR server answer its CapabilityStatement (GET [base]/metadata), and is it
 * R4? Not required for readiness: dispenses wait on the HIS server while it is away and are read when it is back.
 */
import type { HealthCheck, HealthResult } from '../../core/ports/health-check.js';
import { describeFhirError } from './fhir-client-errors.js';
import type { FhirPollClient } from './fhir-poll-client.js';

export function fhirCapabilityCheck(
  channel: string,
  baseUrl: string,
  client: FhirPollClient,
  timeoutMs: number
): HealthCheck {
  return {
    name: `FHIR server (${channel})`,
    requiredForReadiness: false,
    check: () => capabilityOf(baseUrl, client, timeoutMs),
  };
}

async function capabilityOf(baseUrl: string, client: FhirPollClient, timeoutMs: number): Promise<HealthResult> {
  const fix = 'check fhir.poll.baseUrl, fhir.poll.bearerToken and the network route to the HIS FHIR server';
  try {
    const statement = await client.capabilityStatement({ signal: AbortSignal.timeout(timeoutMs) });
    if (statement.resourceType !== 'CapabilityStatement') {
      return {
        ok: false,
        detail: `${baseUrl}/metadata answered a ${statement.resourceType}, not a CapabilityStatement`,
        fix,
      };
    }
    const version = typeof statement.fhirVersion === 'string' ? statement.fhirVersion : '';
    if (version !== '' && !version.startsWith('4.0')) {
      return {
        ok: false,
        detail: `${baseUrl} is FHIR ${version}; this channel reads R4 (4.0.x) MedicationDispense`,
        fix: "point fhir.poll.baseUrl at the HIS server's R4 endpoint",
      };
    }
    return { ok: true, detail: `${baseUrl} answers /metadata (FHIR ${version || 'version not stated'})` };
  } catch (e) {
    return { ok: false, detail: `${baseUrl}/metadata: ${describeFhirError(e)}`, fix };
  }
}
