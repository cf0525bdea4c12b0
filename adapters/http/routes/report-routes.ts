/**
 * Reports over HTTP: the reconciliation (药帐核对) of every drug or one, the full code list behind a category, and the
 * daily trend for the dashboard; each as JSON or a CSV/XLSX download (?format=). Roles pharmacy-head and integration
 * (admin always).
 */
import { Router } from 'express';
import type { ReportServices } from '../../../core/reports/report-services.js';
import { formatOf } from '../../export/table-export.js';
import type { bearerAuth } from '../bearer-auth.js';
import { parseBody } from '../parse-body.js';
import { codeListQuery, dailyQuery, reconciliationQuery } from '../report-bodies.js';
import { codeColumns, dailyColumns, reconciliationColumns } from '../report-exports.js';
import { sendExport } from '../send-export.js';

export function reportRoutes(reports: ReportServices, auth: ReturnType<typeof bearerAuth>): Router {
  const r = Router();
  const read = auth.require('pharmacy-head', 'integration');

  r.get('/reports/reconciliation', read, async (req, res) => {
    const q = parseBody(reconciliationQuery, req.query);
    const format = formatOf(q.format);
    const report = await reports.reconciliation.report({
      asOf: q.asOf,
      hisDrugCode: q.drug,
      since: q.since,
      // A file has one row per drug: the codes are the category's own download.
      codes: format === 'json' ? q.codes : 0,
    });
    if (format === 'json') {
      res.json(report);
      return;
    }
    await sendExport(res, format, `药帐核对-${report.asOf}`, reconciliationColumns, report.drugs);
  });

  r.get('/reports/reconciliation/:hisDrugCode/codes', read, async (req, res) => {
    const q = parseBody(codeListQuery, req.query);
    const format = formatOf(q.format);
    const query = { hisDrugCode: String(req.params.hisDrugCode), category: q.category, asOf: q.asOf, since: q.since };
    if (format === 'json') {
      res.json(await reports.reconciliation.codes({ ...query, limit: q.limit, offset: q.offset }));
      return;
    }
    const all = await reports.reconciliation.allCodes(query);
    await sendExport(
      res,
      format,
      `药帐核对-${all.hisDrugCode}-${all.label}-${all.asOf}`,
      codeColumns(all.label),
      all.codes
    );
  });

  r.get('/reports/daily', read, async (req, res) => {
    const q = parseBody(dailyQuery, req.query);
    const format = formatOf(q.format);
    const report = await reports.daily.daily(q.days);
    if (format === 'json') {
      res.json(report);
      return;
    }
    await sendExport(res, format, `每日趋势-${report.from}至${report.to}`, dailyColumns, report.days);
  });
  return r;
}
