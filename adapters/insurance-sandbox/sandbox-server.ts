/**
 * The sandbox of the national insurance platform: a real HTTP server hospitals rehearse (联调) against and
 * tracegate's tests and demo use as the upstream. Two listeners: the platform (POST /fsi/…) and the admin API,
 * which keeps answering while the platform is "down".
 */
import type { DuplicateCode } from './duplicate-sales-report.js';
import { duplicateSales } from './duplicate-sales-report.js';
import type { Faults } from './fault-settings.js';
import { mergeFaults } from './fault-settings.js';
import { platformRequestHandler } from './handle-platform-request.js';
import { HttpListener } from './http-listener.js';
import { adminRequestHandler } from './sandbox-admin-routes.js';
import type { SandboxAdminApi } from './sandbox-admin-routes.js';
import type { ResolvedOptions, SandboxOptions } from './sandbox-options.js';
import { resolveOptions } from './sandbox-options.js';
import type { SandboxRow, SandboxRowQuery } from './sandbox-rows.js';
import { sandboxRows } from './sandbox-rows.js';
import { SandboxState } from './sandbox-state.js';
import type { SandboxStats } from './sandbox-stats.js';
import type { DataType } from './recorded-row.js';
import type { Random } from './seeded-random.js';
import { seededRandom } from './seeded-random.js';

/** The path HIS stacks commonly post to; any path under /fsi/ is answered the same. */
export const SERVICE_PATH = '/fsi/api/rsfComIfsService/callService';

export interface Sandbox {
  /** http://host:port of the platform listener. */
  url: string;
  /** url + SERVICE_PATH. */
  serviceUrl: string;
  /** http://host:adminPort (the admin API is under /sandbox/). */
  adminUrl: string;
  port: number;
  adminPort: number;
  /** Change some faults; resolves once the platform listener is down or up as asked. */
  setFaults(patch: Partial<Faults>): Promise<Faults>;
  faults(): Faults;
  stats(): SandboxStats;
  /** Rows held now, optionally narrowed. */
  rows(query?: SandboxRowQuery): SandboxRow[];
  /** Received copies of a fixmedins_bchno (any institution; one 3507 data type when given). */
  receivedCount(bchno: string, dataType?: DataType): number;
  /** Trace codes sold more than once. */
  duplicateCodes(): DuplicateCode[];
  /** Forget every row, msgid, sign-in and counter; faults and the RNG back to how the sandbox started. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const resolved = resolveOptions(options);
  const runtime = new SandboxRuntime(resolved);
  await runtime.start();
  return runtime.sandbox();
}

class SandboxRuntime {
  private readonly state: SandboxState;
  private current: Faults;
  private random: Random;
  private readonly platform: HttpListener;
  private readonly admin: HttpListener;
  /** Listener changes run one after another, so two quick down/up switches cannot interleave. */
  private transitions: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: ResolvedOptions) {
    this.state = new SandboxState(options.areaCode);
    this.current = options.faults;
    this.random = seededRandom(options.seed);
    const handler = platformRequestHandler({
      state: this.state,
      options,
      faults: () => this.current,
      random: () => this.random(),
    });
    this.platform = new HttpListener(handler, options.host, options.port);
    this.admin = new HttpListener(adminRequestHandler(this.adminApi()), options.host, options.adminPort);
  }

  async start(): Promise<void> {
    await this.admin.open();
    try {
      // Bind first even when starting "down", so the port is known and kept for coming back up.
      await this.platform.open();
      await this.syncListener();
    } catch (e) {
      await this.admin.close();
      throw e;
    }
  }

  sandbox(): Sandbox {
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    const url = `http://${host}:${this.platform.boundPort}`;
    return {
      url,
      serviceUrl: `${url}${SERVICE_PATH}`,
      adminUrl: `http://${host}:${this.admin.boundPort}`,
      port: this.platform.boundPort,
      adminPort: this.admin.boundPort,
      ...this.adminApi(),
      setFaults: (patch) => this.setFaults(patch),
      receivedCount: (bchno, dataType) => this.state.bchno.receivedCount(bchno, dataType),
      stop: () => this.stop(),
    };
  }

  private adminApi(): SandboxAdminApi {
    return {
      stats: () => this.state.stats(),
      rows: (query) => sandboxRows(this.state.rows, query),
      duplicateCodes: () => duplicateSales(this.state.rows.find()),
      faults: () => ({ ...this.current }),
      setFaults: (patch) => this.setFaults(patch),
      reset: () => this.reset(),
    };
  }

  private setFaults(patch: unknown): Promise<Faults> {
    this.current = mergeFaults(this.current, patch);
    return this.transition(() => this.syncListener()).then(() => ({ ...this.current }));
  }

  private reset(): Promise<void> {
    this.state.reset();
    this.current = this.options.faults;
    this.random = seededRandom(this.options.seed);
    return this.transition(() => this.syncListener());
  }

  private async stop(): Promise<void> {
    this.stopped = true;
    await this.transition(async () => {
      await Promise.all([this.platform.close(), this.admin.close()]);
    });
  }

  /** The platform listens exactly when the faults say it is up (and the sandbox is not stopped). */
  private async syncListener(): Promise<void> {
    if (this.stopped || this.current.down) {
      await this.platform.close();
    } else {
      await this.platform.open();
    }
  }

  private transition(step: () => Promise<void>): Promise<void> {
    const next = this.transitions.then(step);
    // A failed step (the port taken while down) is reported to its caller, not to every later one.
    this.transitions = next.catch(() => undefined);
    return next;
  }
}
