/**
 * AGENT_MANY_PATIENTS (the seed's 代办人 case: several agents collecting 10–20 self-pay prescriptions of 集采 drugs
 * under different patient names, 3–4 times a week, up to 26 boxes of one drug): one agent or contact collected
 * prescriptions for at least agent.minPatients different names and agent.minPrescriptions prescriptions in the
 * period (with agent.vbpOnly, prescriptions with a 集采 drug only).
 * Risk: agent.highPatients names or more → high; else medium.
 */
import type { DispenseOrder, Session } from '../../window/session.js';
import type { Finding } from '../anomaly.js';
import { contactKey, maskPhone, phoneDigits } from '../contact-key.js';
import { lineBoxes } from '../line-boxes.js';
import { capped, drugText, latest, when, type RuleContext } from './rule-context.js';

export const AGENT_MANY_PATIENTS = 'AGENT_MANY_PATIENTS';

export interface AgentPrescription {
  sessionId: string;
  prescriptionNo: string;
  at: string;
  patientId: string;
  patientName: string;
  settlementType: string;
  doctorName: string | null;
  pharmacist: string;
  location: string | null;
  drugs: { hisDrugCode: string; name: string; quantity: number; unit: string; boxes: number; vbp: boolean }[];
}

export interface AgentEvidence {
  contact: string;
  agentNames: string[];
  agentPhones: string[];
  periodFrom: string;
  periodTo: string;
  patients: string[];
  prescriptions: AgentPrescription[];
  selfPay: number;
  /** Boxes per 集采 drug over these prescriptions, most first. */
  vbpBoxes: { hisDrugCode: string; name: string; boxes: number }[];
  /** The most boxes of one drug on one prescription. */
  maxBoxesOnePrescription: number;
}

export function agentManyPatients(sessions: readonly Session[], ctx: RuleContext): Finding[] {
  const t = ctx.thresholds.agent;
  const byContact = new Map<string, Session[]>();
  for (const s of sessions) {
    const order = s.order as DispenseOrder;
    const key = s.kind === 'dispense' && s.state === 'completed' ? contactKey(order.agent) : null;
    if (key && (!t.vbpOnly || order.lines.some((l) => ctx.drugOf(l.hisDrugCode)?.vbpFlag))) {
      const list = byContact.get(key) ?? [];
      list.push(s);
      byContact.set(key, list);
    }
  }
  const out: Finding[] = [];
  for (const [contact, list] of byContact) {
    const patients = [...new Set(list.map((s) => (s.order as DispenseOrder).patientName))];
    if (patients.length >= t.minPatients && list.length >= t.minPrescriptions) {
      out.push(finding(contact, patients, list, ctx));
    }
  }
  return out;
}

function prescriptionOf(s: Session, ctx: RuleContext): AgentPrescription {
  const order = s.order as DispenseOrder;
  const boxes = new Map(s.plan.map((l) => [l.lineNo, lineBoxes(l)]));
  return {
    sessionId: s.id,
    prescriptionNo: order.prescriptionNo,
    at: s.completedAt ?? s.createdAt,
    patientId: order.patientId,
    patientName: order.patientName,
    settlementType: order.settlementType,
    doctorName: order.doctorName,
    pharmacist: s.completedBy ?? s.createdBy,
    location: s.location,
    drugs: order.lines.map((l) => {
      const drug = ctx.drugOf(l.hisDrugCode);
      return {
        hisDrugCode: l.hisDrugCode,
        name: drug?.name ?? l.hisDrugCode,
        quantity: l.quantity,
        unit: l.unit,
        boxes: boxes.get(l.lineNo) ?? 0,
        vbp: drug?.vbpFlag ?? false,
      };
    }),
  };
}

function finding(contact: string, patients: string[], sessions: Session[], ctx: RuleContext): Finding {
  const t = ctx.thresholds.agent;
  const prescriptions = sessions.map((s) => prescriptionOf(s, ctx));
  const agents = sessions.map((s) => (s.order as DispenseOrder).agent);
  const agentNames = [...new Set(agents.map((a) => a?.name?.trim()).filter((n): n is string => !!n))];
  const agentPhones = [...new Set(agents.map((a) => a?.phone?.trim()).filter((p): p is string => !!p))];
  const vbp = new Map<string, { hisDrugCode: string; name: string; boxes: number }>();
  for (const d of prescriptions.flatMap((p) => p.drugs).filter((d) => d.vbp)) {
    const total = vbp.get(d.hisDrugCode) ?? { hisDrugCode: d.hisDrugCode, name: d.name, boxes: 0 };
    total.boxes += d.boxes;
    vbp.set(d.hisDrugCode, total);
  }
  const vbpBoxes = [...vbp.values()].sort((a, b) => b.boxes - a.boxes);
  const evidence: AgentEvidence = {
    contact,
    agentNames,
    agentPhones,
    periodFrom: ctx.period.from,
    periodTo: ctx.period.to,
    patients,
    prescriptions: capped(prescriptions),
    selfPay: prescriptions.filter((p) => p.settlementType === 'self_pay').length,
    vbpBoxes,
    maxBoxesOnePrescription: Math.max(0, ...prescriptions.flatMap((p) => p.drugs.map((d) => d.boxes))),
  };
  const phone = phoneDigits(agentPhones[0]);
  const who = [agentNames[0], phone ? `电话 ${maskPhone(phone)}` : null].filter(Boolean).join('，') || contact;
  const top = vbpBoxes[0];
  const times = prescriptions.map((p) => p.at).sort();
  const codes = sessions.flatMap((s) =>
    s.scans.filter((x) => !x.withdrawn && x.result !== 'rejected').flatMap((x) => x.assignments.map((a) => a.traceCode))
  );
  return {
    type: AGENT_MANY_PATIENTS,
    subjectKey: contact,
    risk: patients.length >= t.highPatients ? 'high' : 'medium',
    hisDrugCode: top?.hisDrugCode ?? null,
    traceCodes: capped([...new Set(codes)]),
    evidence: evidence as unknown as Record<string, unknown>,
    summary:
      `代办人（${who}）${when(times[0]!)} 至 ${when(times[times.length - 1]!)} 为 ${patients.length} 名不同姓名的患者取药，` +
      `共 ${prescriptions.length} 张处方（自费 ${evidence.selfPay} 张）` +
      (top ? `，集采药品 ${drugText(ctx, top.hisDrugCode)} 共 ${top.boxes} 盒` : ''),
    occurredAt: latest(times),
  };
}
