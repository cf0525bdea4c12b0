/**
 * The HIS channels' half of KnexStore: received messages in tg_inbound_msgs (the unique (channel, source_key)
 * makes a repeated sender's key return the stored message) and the polling channels' watermarks in
 * tg_channel_marks. The twin of memory-inbound.ts, by the rules of inbound-rules.ts.
 *
 * `raw` is bytes: rows are written with knex's insert/update (not bulk-insert.ts), because knex binds a Buffer
 * as bytes on every driver (a BLOB through EMPTY_BLOB() … RETURNING on Oracle, varbinary(max) on SQL Server).
 */
import type { Knex } from 'knex';
import type { HisEventKind } from '../../core/channels/his-event.js';
import type { InboundMessage, InboundQuery, InboundState } from '../../core/channels/inbound-message.js';
import type { InboundDecision, InboundStore } from '../../core/ports/inbound-store.js';
import { classifyDbError } from './db-errors.js';
import { inboundNotFound } from './inbound-rules.js';
import type { StoreDialect } from './knex-config.js';
import { definedColumns, type Row } from './row-mappers.js';
import { INBOUND_COLUMNS, TABLES } from './tables.js';

const optStr = (v: unknown): string | null => (v == null ? null : String(v));
const str = (v: unknown): string => (v == null ? '' : String(v));

/** Bytes for a driver: knex recognises a Buffer (not any Uint8Array) as binary on Oracle and SQL Server. */
function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Bytes from a driver, as a Uint8Array of their own (a copy: a driver's Buffer may be a view on a shared pool).
 * better-sqlite3, pg, mysql2, tedious and knex's oracledb LOB reader all return a Buffer; NULL (Oracle's empty
 * BLOB) is no bytes.
 */
export function toBytes(v: unknown): Uint8Array {
  if (v == null) {
    return new Uint8Array(0);
  }
  if (v instanceof Uint8Array) {
    return new Uint8Array(v);
  }
  if (v instanceof ArrayBuffer) {
    return new Uint8Array(v.slice(0));
  }
  throw new Error(`expected bytes in ${TABLES.inboundMessages}.raw, got ${typeof v}`);
}

function inboundRow(m: InboundMessage): Row {
  return {
    id: m.id,
    channel: m.channel,
    source_key: m.sourceKey,
    kind: m.kind,
    received_at: m.receivedAt,
    raw: toBuffer(m.raw),
    state: m.state,
    code: m.code,
    message: m.message,
    session_id: m.sessionId,
    reply: m.reply,
    original_id: m.originalId,
    reference: m.reference,
    updated_at: m.updatedAt,
  };
}

function decisionRow(d: InboundDecision, at: string): Row {
  return {
    state: d.state,
    code: d.code,
    message: d.message,
    session_id: d.sessionId,
    reply: d.reply,
    kind: d.kind,
    reference: d.reference,
    updated_at: at,
  };
}

function rowToInbound(r: Row): InboundMessage {
  return {
    id: str(r.id),
    channel: str(r.channel),
    sourceKey: str(r.source_key),
    kind: optStr(r.kind) as HisEventKind | null,
    receivedAt: str(r.received_at),
    raw: toBytes(r.raw),
    state: str(r.state) as InboundState,
    code: optStr(r.code),
    message: optStr(r.message),
    sessionId: optStr(r.session_id),
    reply: optStr(r.reply),
    originalId: optStr(r.original_id),
    reference: optStr(r.reference),
    updatedAt: str(r.updated_at),
  };
}

const copy = (m: InboundMessage): InboundMessage => ({ ...m, raw: Uint8Array.from(m.raw) });

/** The one-row INSERT of a received message (on Oracle: the BLOB written through `returning "raw" into`). */
export function insertInboundQuery(db: Knex, message: InboundMessage): Knex.QueryBuilder {
  return db(TABLES.inboundMessages).insert(inboundRow(message));
}

/** matchesInbound (inbound-rules.ts) in SQL, in id order, at most `limit` rows (TOP on SQL Server, ROWNUM on Oracle). */
export function listInboundQuery(db: Knex, query: InboundQuery, limit: number): Knex.QueryBuilder {
  const q = db(TABLES.inboundMessages).select(INBOUND_COLUMNS).orderBy('id').limit(limit);
  q.where(
    definedColumns([
      ['channel', query.channel],
      ['state', query.state],
      ['kind', query.kind],
      ['reference', query.reference],
      ['original_id', query.originalId],
    ])
  );
  if (query.from !== undefined) {
    q.where('received_at', '>=', query.from);
  }
  if (query.to !== undefined) {
    q.where('received_at', '<', query.to);
  }
  if (query.afterId !== undefined) {
    q.where('id', '>', query.afterId);
  }
  return q;
}

export class KnexInbound implements InboundStore {
  constructor(
    private readonly db: Knex,
    private readonly dialect: StoreDialect
  ) {}

  /**
   * One INSERT; a unique violation is a second receipt of the same (channel, source key), whose stored message
   * is returned. A violation with nothing stored under the key (the id was taken) propagates.
   */
  async insertInbound(message: InboundMessage): Promise<{ message: InboundMessage; inserted: boolean }> {
    try {
      await insertInboundQuery(this.db, message);
      return { message: copy(message), inserted: true };
    } catch (e) {
      const stored =
        classifyDbError(this.dialect, e) === 'unique'
          ? await this.findInbound(message.channel, message.sourceKey)
          : undefined;
      if (stored) {
        return { message: stored, inserted: false };
      }
      throw e;
    }
  }

  async getInbound(id: string): Promise<InboundMessage | undefined> {
    const row: Row | undefined = await this.db(TABLES.inboundMessages).select(INBOUND_COLUMNS).where('id', id).first();
    return row ? rowToInbound(row) : undefined;
  }

  async findInbound(channel: string, sourceKey: string): Promise<InboundMessage | undefined> {
    const row: Row | undefined = await this.db(TABLES.inboundMessages)
      .select(INBOUND_COLUMNS)
      .where({ channel, source_key: sourceKey })
      .first();
    return row ? rowToInbound(row) : undefined;
  }

  /**
   * The update, then the row read back. Whether the row exists is told by the read, not by the affected-row
   * count (which MySQL without FOUND_ROWS reports as 0 for an update that changes nothing).
   */
  async decideInbound(id: string, decision: InboundDecision, at: string): Promise<InboundMessage> {
    await this.db(TABLES.inboundMessages).where('id', id).update(decisionRow(decision, at));
    const saved = await this.getInbound(id);
    if (!saved) {
      throw inboundNotFound(id);
    }
    return saved;
  }

  /** A limit below 1 lists nothing; a fractional one is rounded down (as the memory store's slice does). */
  async listInbound(query: InboundQuery): Promise<InboundMessage[]> {
    const limit = Math.floor(query.limit);
    if (!(limit > 0)) {
      return [];
    }
    const rows: Row[] = await listInboundQuery(this.db, query, limit);
    return rows.map(rowToInbound);
  }

  async getChannelMark(channel: string): Promise<string | null> {
    const row: Row | undefined = await this.db(TABLES.channelMarks).select('mark').where('channel', channel).first();
    // A row is a mark set: NULL is Oracle's ''.
    return row ? str(row.mark) : null;
  }

  /**
   * An upsert every dialect speaks: UPDATE, and INSERT when there was no row. A concurrent first mark of the same
   * channel makes the INSERT fail on the key; then its row exists and the UPDATE writes this mark over it.
   */
  async setChannelMark(channel: string, mark: string, at: string): Promise<void> {
    const update = () => this.db(TABLES.channelMarks).where('channel', channel).update({ mark, updated_at: at });
    if (Number(await update()) > 0) {
      return;
    }
    try {
      await this.db(TABLES.channelMarks).insert({ channel, mark, updated_at: at });
    } catch (e) {
      if (classifyDbError(this.dialect, e) !== 'unique') {
        throw e;
      }
      await update();
    }
  }
}
