/**
 * Where each 3506 row's packs were sold: the original sale named by medins_prod_sel_no (the 3505 row's
 * fixmedins_bchno, whether the HIS sent it through the proxy or the window wrote it), else the visit's sale of the
 * same drug. A row whose sale cannot be found is refused: a return is refunded only against a sale.
 */
import { refused } from '../errors.js';
import type { SessionStore } from '../ports/session-store.js';
import type { UploadStore } from '../ports/upload-store.js';
import type { DispenseOrder, Session } from '../window/session.js';
import { bchno } from './message-checks.js';
import type { ReturnLineTarget } from './proxy-orders.js';

export async function resolveReturnTargets(
  rows: Record<string, unknown>[],
  uploads: UploadStore,
  sessions: SessionStore
): Promise<ReturnLineTarget[]> {
  const targets: ReturnLineTarget[] = [];
  for (const row of rows) {
    const target = (await bySaleKey(row, uploads, sessions)) ?? (await byVisit(row, sessions));
    if (!target) {
      throw refused(
        'RETURN_ORIGINAL_NOT_FOUND',
        `${bchno(row)}：找不到原销售记录（medins_prod_sel_no ${String(row.medins_prod_sel_no ?? '未填')}，就医流水号 ${String(row.mdtrt_sn ?? '未填')}，药品 ${String(row.fixmedins_hilist_id ?? '')}），不能退药`,
        { businessKey: bchno(row) }
      );
    }
    targets.push(target);
  }
  return targets;
}

async function bySaleKey(
  row: Record<string, unknown>,
  uploads: UploadStore,
  sessions: SessionStore
): Promise<ReturnLineTarget | null> {
  const key = typeof row.medins_prod_sel_no === 'string' ? row.medins_prod_sel_no : '';
  if (!key) {
    return null;
  }
  const sale = await uploads.getUploadByKey(key);
  const session = sale && sale.infno === '3505' ? await sessions.getSession(sale.sessionId) : undefined;
  if (!session || session.kind !== 'dispense' || session.state !== 'completed') {
    return null;
  }
  const lineNo = lineOfKey(session, key);
  return lineNo === null ? null : { row, dispenseId: session.id, lineNo };
}

/** The line the HIS's key was on (proxy sales), or the window's own `${sessionId}-${lineNo}` key. */
function lineOfKey(session: Session, key: string): number | null {
  const order = session.order as DispenseOrder;
  const line = order.lines.find((l) => l.businessKey === key);
  if (line) {
    return line.lineNo;
  }
  const m = /-(\d+)$/.exec(key);
  const lineNo = m ? Number(m[1]) : NaN;
  return session.plan.some((p) => p.lineNo === lineNo) ? lineNo : null;
}

async function byVisit(row: Record<string, unknown>, sessions: SessionStore): Promise<ReturnLineTarget | null> {
  const visitNo = typeof row.mdtrt_sn === 'string' ? row.mdtrt_sn : '';
  const drug = String(row.fixmedins_hilist_id ?? '');
  if (!visitNo) {
    return null;
  }
  const sales = await sessions.findSessions({ kind: 'dispense', state: 'completed', visitNo });
  for (const session of sales.reverse()) {
    const line = session.plan.find((p) => p.hisDrugCode === drug);
    if (line) {
      return { row, dispenseId: session.id, lineNo: line.lineNo };
    }
  }
  return null;
}
