/**
 * A small FHIR R4 server standing in for the HIS's: MedicationDispense search by _lastUpdated (ge/gt) sorted by
 * _lastUpdated, paged by _count with next links; Medication read; /metadata. Every put is a new version
 * (meta.versionId counts up, meta.lastUpdated as given). It can be stopped and started again on the same port.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Request, Response } from 'express';
import type { Resource } from './fhir-fixtures.js';

export class FhirTestServer {
  private server: Server | null = null;
  private port = 0;
  private readonly dispenses = new Map<string, Resource>();
  private readonly medications = new Map<string, Resource>();
  /** The query of every MedicationDispense search received. */
  readonly searches: Record<string, string>[] = [];
  /** Searches get no answer at all (a hung HIS server). */
  hang = false;

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/fhir`;
  }

  /** Store a MedicationDispense as a new version of its id. */
  put(resource: Resource & { id: string }, lastUpdated: string): Resource {
    const previous = this.dispenses.get(resource.id);
    const versionId = String(Number(previous?.meta?.versionId ?? 0) + 1);
    const stored = { ...resource, meta: { versionId, lastUpdated } };
    this.dispenses.set(resource.id, stored);
    return stored;
  }

  putMedication(resource: Resource & { id: string }): void {
    this.medications.set(resource.id, { ...resource, meta: { versionId: '1', lastUpdated: '2026-11-01T00:00:00Z' } });
  }

  async start(): Promise<void> {
    const app = express();
    app.set('query parser', 'simple');
    app.get('/fhir/metadata', (_req, res) => {
      fhirJson(res, 200, {
        resourceType: 'CapabilityStatement',
        status: 'active',
        kind: 'instance',
        fhirVersion: '4.0.1',
      });
    });
    app.get('/fhir/MedicationDispense', (req, res) => this.search(req, res));
    app.get('/fhir/Medication/:id', (req, res) => {
      const found = this.medications.get(String(req.params.id));
      fhirJson(
        res,
        found ? 200 : 404,
        found ?? { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] }
      );
    });
    this.server = app.listen(this.port, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Down: the port refuses connections until start() (same port). */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) {
      return;
    }
    this.server = null;
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  }

  private search(req: Request, res: Response): void {
    const query = Object.fromEntries(Object.entries(req.query).map(([k, v]) => [k, String(v)]));
    this.searches.push(query);
    if (this.hang) {
      return;
    }
    const match = /^(ge|gt)(.+)$/.exec(query._lastUpdated ?? 'ge1970-01-01T00:00:00Z');
    if (!match?.[2] || query._sort !== '_lastUpdated') {
      fhirJson(res, 400, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-supported' }] });
      return;
    }
    const since = Date.parse(match[2]);
    const at = (r: Resource): number => Date.parse(r.meta.lastUpdated);
    const hits = [...this.dispenses.values()]
      .filter((r) => (match[1] === 'ge' ? at(r) >= since : at(r) > since))
      .sort((a, b) => at(a) - at(b) || String(a.id).localeCompare(String(b.id)));
    const count = Number(query._count ?? 10);
    const offset = Number(query._offset ?? 0);
    const self = (o: number) =>
      `${this.baseUrl}/MedicationDispense?${new URLSearchParams({ ...query, _offset: String(o) })}`;
    fhirJson(res, 200, {
      resourceType: 'Bundle',
      type: 'searchset',
      total: hits.length,
      link: [
        { relation: 'self', url: self(offset) },
        ...(offset + count < hits.length ? [{ relation: 'next', url: self(offset + count) }] : []),
      ],
      entry: hits.slice(offset, offset + count).map((r) => ({
        fullUrl: `${this.baseUrl}/MedicationDispense/${String(r.id)}`,
        resource: r,
        search: { mode: 'match' },
      })),
    });
  }
}

function fhirJson(res: Response, status: number, body: unknown): void {
  res.status(status).type('application/fhir+json').send(JSON.stringify(body));
}
