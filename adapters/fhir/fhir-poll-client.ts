/**
 * The part of fhir-kit-client the poller uses (so the client's construction stays in one place, with the token and
 * the HIS server's base).
 */
import { Client } from 'fhir-kit-client';
import type { FhirPollConfig } from './fhir-config.js';

export type FhirPollClient = Pick<Client, 'search' | 'nextPage' | 'read' | 'capabilityStatement'>;

export function createFhirPollClient(config: FhirPollConfig & { baseUrl: string }): FhirPollClient {
  return new Client({
    baseUrl: config.baseUrl,
    ...(config.bearerToken ? { bearerToken: config.bearerToken } : {}),
  });
}
