/**
 * Dispense sessions opened over HTTP before a load phase, and the scans that fill them: each scan is a unit code
 * drawn at random (never twice in a run) from the drug of an open line, so every scan should be `accepted`.
 */
import { DRUGS, hisDrugCodeOf, unitCode } from './prefill.js';
import { BENCH_TOKEN } from './server-process.js';

export const LINES_PER_SESSION = 5;
export const PACKS_PER_LINE = 2;
export const SCANS_PER_SESSION = LINES_PER_SESSION * PACKS_PER_LINE;

export interface QueuedScan {
  sessionId: string;
  scan: string;
}

/** Distinct random unit numbers per drug: a lazily run Fisher–Yates shuffle of 1 … unitsPerDrug. */
export class CodePicker {
  private readonly perm: Int32Array[] = [];
  private readonly used: number[] = [];

  constructor(private readonly unitsPerDrug: number) {
    for (let d = 0; d < DRUGS; d++) {
      const a = new Int32Array(unitsPerDrug);
      for (let i = 0; i < unitsPerDrug; i++) {
        a[i] = i + 1;
      }
      this.perm.push(a);
      this.used.push(0);
    }
  }

  /** A unit code of drug d that no earlier call returned. */
  take(d: number): string {
    const a = this.perm[d] as Int32Array;
    const i = this.used[d] as number;
    if (i >= this.unitsPerDrug) {
      throw new Error(`drug ${d}: all ${this.unitsPerDrug} unit codes used; pre-fill more codes or run shorter`);
    }
    const j = i + Math.floor(Math.random() * (this.unitsPerDrug - i));
    const pick = a[j] as number;
    a[j] = a[i] as number;
    a[i] = pick;
    this.used[d] = i + 1;
    return unitCode(d, pick);
  }
}

let sessionNo = 0;

async function openOne(url: string, picker: CodePicker): Promise<QueuedScan[]> {
  const n = ++sessionNo;
  const drugs: number[] = [];
  while (drugs.length < LINES_PER_SESSION) {
    const d = Math.floor(Math.random() * DRUGS);
    if (!drugs.includes(d)) {
      drugs.push(d);
    }
  }
  const body = {
    prescriptionNo: `RX${process.pid}-${n}`,
    visitNo: `V${process.pid}-${n}`,
    patientId: `P${n % 5000}`,
    patientName: '压测患者',
    settlementType: 'insured',
    location: '门诊西药房',
    lines: drugs.map((d, i) => ({
      lineNo: i + 1,
      hisDrugCode: hisDrugCodeOf(d),
      quantity: PACKS_PER_LINE,
      unit: '盒',
    })),
  };
  const res = await fetch(`${url}/api/v1/dispenses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_TOKEN}` },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { id?: string };
  if (res.status !== 201 || !json.id) {
    throw new Error(`opening a dispense session failed: ${res.status} ${JSON.stringify(json)}`);
  }
  const id = json.id;
  return drugs.flatMap((d) => Array.from({ length: PACKS_PER_LINE }, () => ({ sessionId: id, scan: picker.take(d) })));
}

/**
 * Opens enough sessions for `scans` scans and deals them out whole to `stations` queues, so no two stations (load
 * generator connections) ever scan into the same session.
 */
export async function openSessions(
  url: string,
  picker: CodePicker,
  scans: number,
  stations: number,
  concurrency = 8
): Promise<QueuedScan[][]> {
  const perStation = Math.ceil(scans / stations / SCANS_PER_SESSION);
  const total = perStation * stations;
  const sessions: QueuedScan[][] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        sessions.push(await openOne(url, picker));
      }
    })
  );
  const queues: QueuedScan[][] = Array.from({ length: stations }, () => []);
  sessions.forEach((s, i) => (queues[i % stations] as QueuedScan[]).push(...s));
  return queues;
}
