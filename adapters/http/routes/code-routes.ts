import { Router } from 'express';
import type { AnomalyService } from '../../../core/anomalies/anomaly-service.js';
import { noticeKindName, type DuplicateNotice } from '../../../core/anomalies/duplicate-notice.js';
import { nationalAppAnswer } from '../../../core/anomalies/national-app-answer.js';
import type { LedgerService, CodeLookup } from '../../../core/ledger/ledger-service.js';
import { ledgerActionName, packStateName } from '../../../core/ledger/pack.js';

/**
 * GET /api/v1/codes/:code — the state and the whole history of one pack, what the national app answers for it, and
 * the platform's duplicate notices about it.
 */
export function codeRoutes(ledger: LedgerService, anomalies?: Pick<AnomalyService, 'noticesOf'>): Router {
  const r = Router();
  r.get('/codes/:code', async (req, res) => {
    const lookup = await ledger.lookup(req.params.code);
    const notices = anomalies ? await anomalies.noticesOf(lookup.pack.traceCode) : [];
    res.json(presentLookup(lookup, notices));
  });
  return r;
}

export function presentLookup(l: CodeLookup, notices: readonly DuplicateNotice[] = []): Record<string, unknown> {
  const { pack } = l;
  return {
    traceCode: pack.traceCode,
    kind: l.scan.kind,
    drug: l.drug
      ? { hisDrugCode: l.drug.hisDrugCode, name: l.drug.name, spec: l.drug.spec, insuranceCode: l.drug.insuranceCode }
      : { hisDrugCode: pack.hisDrugCode },
    state: pack.state,
    stateName: packStateName[pack.state],
    unitsRemaining: pack.unitsRemaining,
    lot: pack.lot,
    expiry: pack.expiry,
    manufactureDate: pack.manufactureDate,
    since: pack.updatedAt,
    location: pack.location,
    ref: pack.ref,
    parent: l.parent ? { code: l.parent.parentCode, level: l.parent.parentLevel, status: l.parent.parentStatus } : null,
    history: l.history.map((e) => ({
      seq: e.seq,
      action: e.action,
      actionName: ledgerActionName[e.action],
      from: e.fromState,
      to: e.toState,
      units: e.units,
      at: e.occurredAt,
      actor: e.actor,
      location: e.location,
      ref: e.ref,
      reason: e.reason,
      details: e.details,
    })),
    nationalApp: nationalAppAnswer(l.history, notices),
    duplicateNotices: notices.map(({ noticeKey: _key, ...n }) => ({ ...n, kindName: noticeKindName[n.kind] })),
  };
}
