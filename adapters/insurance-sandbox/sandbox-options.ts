/** How a sandbox is started; every option has a default so `startSandbox()` alone gives a working platform. */
import { randomInt } from 'node:crypto';
import type { Faults } from './fault-settings.js';
import { NO_FAULTS, mergeFaults } from './fault-settings.js';

/** reject: a second row with a recorded fixmedins_bchno is refused (retRslt 0) · accept: it is recorded again. */
export const DuplicateBchnoModes = ['reject', 'accept'] as const;
export type DuplicateBchnoMode = (typeof DuplicateBchnoModes)[number];

export interface SandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** The platform listener; 0 (the default) = any free port. */
  port?: number;
  /** The admin listener, always separate from the platform's; 0 (the default) = any free port. */
  adminPort?: number;
  /** Default 'reject'. */
  duplicateBchno?: DuplicateBchnoMode;
  /** 35xx transactions need a sign_no issued by 9001 (default false). */
  requireSignIn?: boolean;
  /** 接收方医保区划 written into inf_refmsgid (default 310000). */
  areaCode?: string;
  /** Seed of the fault RNG, so a test sees the same faults every run (default: random). */
  seed?: number;
  /** Faults from the start (default none). */
  faults?: Partial<Faults>;
  /** TIF gateway check: when set, x-tif-signature must be hex(sha256(timestamp + paasToken + nonce + timestamp)). */
  tif?: { paasToken: string };
}

export interface ResolvedOptions {
  host: string;
  port: number;
  adminPort: number;
  duplicateBchno: DuplicateBchnoMode;
  requireSignIn: boolean;
  areaCode: string;
  seed: number;
  faults: Faults;
  tif: { paasToken: string } | null;
}

export function resolveOptions(options: SandboxOptions): ResolvedOptions {
  return {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    adminPort: options.adminPort ?? 0,
    duplicateBchno: options.duplicateBchno ?? 'reject',
    requireSignIn: options.requireSignIn ?? false,
    areaCode: options.areaCode ?? '310000',
    seed: options.seed ?? randomInt(2 ** 31),
    faults: mergeFaults(NO_FAULTS, options.faults ?? {}),
    tif: options.tif ?? null,
  };
}
