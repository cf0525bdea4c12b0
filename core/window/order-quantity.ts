/**
 * How an ordered quantity becomes 应扫 (whole packs of the smallest coded level) and 拆零 (the remainder in
 * smallest units) — the HIS-side rule of insurance-interface.md §3.1: packs = ⌊units ÷ units per pack⌋.
 */
import type { Drug } from '../catalog/drug.js';

/** Words the HIS uses for "smallest billing unit" besides the drug's own unit name. */
const SMALLEST_UNIT_WORDS = new Set(['unit', '最小单位']);

/** Floats from `1.5 盒 × 7` must not turn 10.5 into 10.499999…; anything closer than this is that integer. */
const EPSILON = 1e-9;

export function isSmallestUnit(unit: string, drug: Pick<Drug, 'unitName'>): boolean {
  const u = unit.trim();
  return (drug.unitName != null && u === drug.unitName.trim()) || SMALLEST_UNIT_WORDS.has(u.toLowerCase());
}

/** The ordered quantity in smallest units: as is when ordered in 片/粒…, × units per pack otherwise (盒, pack). */
export function quantityInUnits(quantity: number, unit: string, drug: Pick<Drug, 'unitName' | 'unitsPerPack'>): number {
  return snap(isSmallestUnit(unit, drug) ? quantity : quantity * drug.unitsPerPack);
}

export function splitIntoPacks(units: number, unitsPerPack: number): { packs: number; splitUnits: number } {
  const packs = Math.floor(snap(units / unitsPerPack));
  return { packs, splitUnits: snap(units - packs * unitsPerPack) };
}

export function isWhole(n: number): boolean {
  return Number.isInteger(snap(n));
}

function snap(n: number): number {
  const r = Math.round(n);
  return Math.abs(n - r) < EPSILON ? r : n;
}
