import { Router } from 'express';
import type { LedgerService, CodeLookup } from '../../../core/ledger/ledger-service.js';
import { ledgerActionName, packStateName } from '../../../core/ledger/pack.js';

/** GET /api/v1/codes/:code — the state and the whole history of one pack. */
export function codeRoutes(ledger: LedgerService): Router {
  const r = Router();
  r.get('/codes/:code', async (req, res) => {
    res.json(presentLookup(await ledger.lookup(req.params.code)));
  });
  return r;
}

export function presentLookup(l: CodeLookup): Record<string, unknown> {
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
  };
}
