/**
 * How often each fixmedins_bchno reached the platform, whatever became of the row. This is what lets a test prove
 * exactly-once delivery: a relay that resent a row after a timeout shows `received: 2` here even when the second
 * copy was refused as a duplicate.
 */
import type { DataType, RowKey } from './recorded-row.js';
import { rowKeyString } from './recorded-row.js';

export interface BchnoCount extends RowKey {
  /** Rows with this key received in 3501–3506 requests that were processed (valid or not). */
  received: number;
  /** Of those, recorded (more than 1 only in 'accept' mode, or after a 3507). */
  recorded: number;
  /** Rows with this key deleted by 3507. */
  deleted: number;
}

export class BchnoCounts {
  private counts = new Map<string, BchnoCount>();

  received(key: RowKey): void {
    this.entry(key).received++;
  }

  recorded(key: RowKey): void {
    this.entry(key).recorded++;
  }

  deleted(key: RowKey, rows: number): void {
    this.entry(key).deleted += rows;
  }

  /** Every key, in first-seen order. */
  all(): BchnoCount[] {
    return [...this.counts.values()].map((c) => ({ ...c }));
  }

  /** Received copies of a bchno, over every institution (and data type, unless given). */
  receivedCount(bchno: string, dataType?: DataType): number {
    return this.all()
      .filter((c) => c.bchno === bchno && (dataType === undefined || c.dataType === dataType))
      .reduce((sum, c) => sum + c.received, 0);
  }

  clear(): void {
    this.counts.clear();
  }

  private entry(key: RowKey): BchnoCount {
    const id = rowKeyString(key);
    let entry = this.counts.get(id);
    if (!entry) {
      entry = {
        fixmedinsCode: key.fixmedinsCode,
        dataType: key.dataType,
        bchno: key.bchno,
        received: 0,
        recorded: 0,
        deleted: 0,
      };
      this.counts.set(id, entry);
    }
    return entry;
  }
}
