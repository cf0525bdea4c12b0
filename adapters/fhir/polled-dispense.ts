/**
 * What the poller stores for one MedicationDispense found on a search page: its key (`{id}/_history/{versionId}`,
 * so an updated resource is a new message and a re-read one is not) and bytes that can be read again on their own.
 * Packs contained in the resource need nothing more. Packs kept on the HIS server as Medication resources are taken
 * from the page (entries it included) or read from the server, and stored with the dispense as a collection Bundle.
 */
import { createHash } from 'node:crypto';
import type { FhirCodes } from './fhir-config.js';
import { httpStatusOfError } from './fhir-client-errors.js';
import { isObject } from './fhir-json.js';
import type { FhirPollClient } from './fhir-poll-client.js';
import { boundedKey } from './fhir-source-key.js';

type Resource = Record<string, unknown>;

export interface PolledDispense {
  key: string;
  bytes: Uint8Array;
}

export function dispenseKey(resource: Resource, bytes: Uint8Array): string {
  const meta = isObject(resource.meta) ? resource.meta : {};
  const version = typeof meta.versionId === 'string' ? meta.versionId : (meta.lastUpdated ?? null);
  if (typeof resource.id !== 'string' || typeof version !== 'string') {
    // A server that versions nothing: the content is the version.
    return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  }
  return boundedKey(`${resource.id}/_history/${version}`);
}

export interface PollContext {
  client: FhirPollClient;
  codes: FhirCodes;
  /** The HIS server's base, for the Bundle's fullUrls. */
  baseUrl: string;
  /** A fresh signal per request (each has its own timeout; all end when the poller stops). */
  signal: () => AbortSignal;
}

export async function polledDispense(
  dispense: Resource,
  page: Resource,
  context: PollContext
): Promise<PolledDispense> {
  const { client, codes, baseUrl, signal } = context;
  const own = encode(dispense);
  const key = dispenseKey(dispense, own);
  const outside = outsideReferences(dispense, codes);
  if (outside.length === 0) {
    return { key, bytes: own };
  }
  const found: { fullUrl: string; resource: Resource }[] = [];
  for (const reference of outside) {
    const resource = fromPage(page, reference) ?? (await fromServer(client, reference, signal()));
    if (resource) {
      found.push({ fullUrl: absolute(baseUrl, reference), resource });
    }
  }
  // An unresolved pack is left out: reading the Bundle then says which reference was not found.
  const bundle = {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [{ fullUrl: absolute(baseUrl, `MedicationDispense/${String(dispense.id)}`), resource: dispense }, ...found],
  };
  return { key, bytes: encode(bundle) };
}

function absolute(baseUrl: string, reference: string): string {
  return /^[a-z][a-z0-9+.-]*:/i.test(reference) ? reference : `${baseUrl.replace(/\/+$/, '')}/${reference}`;
}

function encode(resource: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(resource), 'utf8');
}

/** The Medication references that are not `#contained`, in order, once each. */
function outsideReferences(dispense: Resource, codes: FhirCodes): string[] {
  const refs: unknown[] = [];
  if (isObject(dispense.medicationReference)) {
    refs.push(dispense.medicationReference.reference);
  }
  for (const e of Array.isArray(dispense.extension) ? dispense.extension : []) {
    if (isObject(e) && e.url === codes.extensions.pack && isObject(e.valueReference)) {
      refs.push(e.valueReference.reference);
    }
  }
  const outside = refs.filter((r): r is string => typeof r === 'string' && r !== '' && !r.startsWith('#'));
  return [...new Set(outside)];
}

function fromPage(page: Resource, reference: string): Resource | null {
  for (const entry of Array.isArray(page.entry) ? page.entry : []) {
    if (!isObject(entry) || !isObject(entry.resource)) {
      continue;
    }
    const { fullUrl, resource } = entry;
    const byUrl = typeof fullUrl === 'string' && (fullUrl === reference || fullUrl.endsWith(`/${reference}`));
    const byId = `${String(resource.resourceType)}/${String(resource.id)}` === reference;
    if (byUrl || byId) {
      return resource;
    }
  }
  return null;
}

/**
 * Only relative references (`Medication/7`) are read, from the HIS server with its token: an absolute URL elsewhere
 * is not fetched. A Medication the server does not have (404/410) is left unresolved; other failures fail the poll.
 */
async function fromServer(client: FhirPollClient, reference: string, signal: AbortSignal): Promise<Resource | null> {
  const match = /^Medication\/([A-Za-z0-9\-.]{1,64})$/.exec(reference);
  if (!match?.[1]) {
    return null;
  }
  try {
    return await client.read({ resourceType: 'Medication', id: match[1], options: { signal } });
  } catch (e) {
    const status = httpStatusOfError(e);
    if (status === 404 || status === 410) {
      return null;
    }
    throw e;
  }
}
