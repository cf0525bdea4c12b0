/**
 * A prescription looked up in the HIS by number (the configured prescriptionQuery, one row per line), as the window
 * opens a dispense from it. Undefined when the HIS has no such prescription.
 */
import type { Knex } from 'knex';
import type { DispenseOrder } from '../../core/window/session.js';
import type { HisDbConfig } from './his-db-config.js';
import { runQuery } from './his-db-queries.js';
import { dispenseOrderOf } from './order-rows.js';

export async function findPrescription(
  db: Knex,
  config: HisDbConfig,
  prescriptionNo: string
): Promise<DispenseOrder | undefined> {
  const rows = await runQuery(db, config, 'prescriptionQuery', { prescriptionNo });
  if (rows.length === 0) {
    return undefined;
  }
  // The number asked for stands in when the query does not repeat it on each line.
  const lines = rows.map((r) => ({ ...r, prescription_no: r.prescription_no ?? prescriptionNo }));
  return dispenseOrderOf({ statement: 'prescriptionQuery', subject: `处方 ${prescriptionNo}` }, lines);
}
