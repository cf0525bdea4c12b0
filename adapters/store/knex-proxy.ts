/**
 * The insurance-proxy half of KnexStore: checked requests by the HIS's msgid (the primary key makes a
 * repeated msgid an idempotent no-op) and pack holds (the primary key on trace_code lets one holder at a
 * time hold a pack, across instances).
 */
import type { Knex } from 'knex';
import type { ProxyRequest, ProxyRequestState, ProxyStore } from '../../core/ports/proxy-store.js';
import { batchLimits, chunks } from './batching.js';
import { bulkInsert } from './bulk-insert.js';
import { classifyDbError } from './db-errors.js';
import type { StoreDialect } from './knex-config.js';
import { heldByOthers, holdsContended, proxyRequestNotFound, sortProxyRequests, type PackHold } from './proxy-rules.js';
import { holdValues, proxyRequestValues, rowToHold, rowToProxyRequest, type Row } from './row-mappers.js';
import { selectIn } from './select-in.js';
import { columnNames, PACK_HOLD_COLUMNS, PROXY_REQUEST_COLUMNS, TABLES } from './tables.js';

const proxyColumns = columnNames(PROXY_REQUEST_COLUMNS);
const holdColumns = columnNames(PACK_HOLD_COLUMNS);

/** How often acquireHolds starts over when the holds it collided with were gone by the time it looked. */
const HOLD_TRIES = 3;

/** Thrown inside the acquiring transaction to roll it back when another holder has some of the codes. */
class HeldByOthers extends Error {
  constructor(readonly codes: string[]) {
    super('held by others');
  }
}

export class KnexProxy implements ProxyStore {
  constructor(
    private readonly db: Knex,
    private readonly dialect: StoreDialect
  ) {}

  async saveProxyRequest(request: ProxyRequest): Promise<ProxyRequest> {
    try {
      await bulkInsert(this.db, this.dialect, TABLES.proxyRequests, PROXY_REQUEST_COLUMNS, [
        proxyRequestValues(request),
      ]);
      return { ...request, businessKeys: [...request.businessKeys] };
    } catch (e) {
      const stored =
        classifyDbError(this.dialect, e) === 'unique' ? await this.getProxyRequest(request.msgid) : undefined;
      if (stored) {
        return stored;
      }
      throw e;
    }
  }

  async getProxyRequest(msgid: string): Promise<ProxyRequest | undefined> {
    const row: Row | undefined = await this.db(TABLES.proxyRequests).select(proxyColumns).where('msgid', msgid).first();
    return row ? rowToProxyRequest(row) : undefined;
  }

  async updateProxyRequest(
    msgid: string,
    update: Pick<ProxyRequest, 'state' | 'response' | 'sessionId'>,
    at: string
  ): Promise<void> {
    const affected = await this.db(TABLES.proxyRequests).where('msgid', msgid).update({
      state: update.state,
      response: update.response,
      session_id: update.sessionId,
      updated_at: at,
    });
    if (Number(affected) === 0) {
      throw proxyRequestNotFound(msgid);
    }
  }

  async listProxyRequests(query: { state: ProxyRequestState; receivedBefore?: string }): Promise<ProxyRequest[]> {
    const q = this.db(TABLES.proxyRequests).select(proxyColumns).where('state', query.state);
    if (query.receivedBefore !== undefined) {
      q.where('received_at', '<', query.receivedBefore);
    }
    const rows: Row[] = await q;
    return sortProxyRequests(rows.map(rowToProxyRequest));
  }

  async deleteAnsweredProxyRequests(before: string): Promise<number> {
    return Number(
      await this.db(TABLES.proxyRequests).where('state', 'answered').andWhere('received_at', '<', before).delete()
    );
  }

  /**
   * One transaction per try: drop the expired holds of these codes, look at the live ones (another holder's
   * → roll back and name them), renew our own, insert the rest. A concurrent acquirer that inserted between
   * our look and our insert makes the insert fail (or, on MySQL, deadlock); then the transaction is rolled
   * back and the codes now held by others are returned.
   */
  async acquireHolds(codes: string[], holder: string, at: string, expiresAt: string): Promise<string[]> {
    const wanted = [...new Set(codes)];
    if (wanted.length === 0) {
      return [];
    }
    for (let tryNo = 0; tryNo < HOLD_TRIES; tryNo++) {
      try {
        await this.db.transaction((trx) => this.acquireIn(trx, wanted, holder, at, expiresAt));
        return [];
      } catch (e) {
        if (e instanceof HeldByOthers) {
          return e.codes;
        }
        const kind = classifyDbError(this.dialect, e);
        if (kind !== 'unique' && kind !== 'retryable') {
          throw e;
        }
        const others = heldByOthers(wanted, await this.holdsOf(this.db, wanted), holder, at);
        if (others.length > 0) {
          return others;
        }
      }
    }
    throw holdsContended(wanted);
  }

  async releaseHolds(holder: string): Promise<void> {
    await this.db(TABLES.packHolds).where('holder', holder).delete();
  }

  private async acquireIn(
    trx: Knex.Transaction,
    codes: string[],
    holder: string,
    at: string,
    expiresAt: string
  ): Promise<void> {
    for (const chunk of chunks(codes, batchLimits[this.dialect].inList)) {
      await trx(TABLES.packHolds).whereIn('trace_code', chunk).where('expires_at', '<=', at).delete();
    }
    const live = await this.holdsOf(trx, codes);
    const others = heldByOthers(codes, live, holder, at);
    if (others.length > 0) {
      throw new HeldByOthers(others);
    }
    const own = live.filter((h) => h.holder === holder).map((h) => h.traceCode);
    for (const chunk of chunks(own, batchLimits[this.dialect].inList)) {
      await trx(TABLES.packHolds)
        .whereIn('trace_code', chunk)
        .where('holder', holder)
        .update({ expires_at: expiresAt });
    }
    const ownSet = new Set(own);
    const rows = codes
      .filter((c) => !ownSet.has(c))
      .map((traceCode) => holdValues({ traceCode, holder, heldAt: at, expiresAt }));
    await bulkInsert(trx, this.dialect, TABLES.packHolds, PACK_HOLD_COLUMNS, rows);
  }

  private async holdsOf(db: Knex | Knex.Transaction, codes: string[]): Promise<PackHold[]> {
    return (await selectIn(db, this.dialect, TABLES.packHolds, holdColumns, 'trace_code', codes)).map(rowToHold);
  }
}
