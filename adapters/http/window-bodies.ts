import { z } from 'zod';

/** Request bodies of the window sessions; field names as the OpenAPI description shows them. */

const code = z.string().trim().min(1).max(64);
const lineNo = z.number().int().positive();
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected yyyy-MM-dd');

export const dispenseBody = z
  .object({
    prescriptionNo: code,
    visitNo: code,
    insuranceVisitId: z.string().max(30).nullable().default(null),
    patientId: code,
    patientName: z.string().trim().min(1).max(50),
    settlementType: z.enum(['insured', 'self_pay']),
    settlementId: z.string().max(30).nullable().default(null),
    doctorName: z.string().max(50).nullable().default(null),
    /** 代办人: who collects the drugs for the patient (the anomaly rule AGENT_MANY_PATIENTS groups by it). */
    agent: z
      .object({
        name: z.string().trim().max(50).nullable().default(null),
        phone: z.string().trim().max(30).nullable().default(null),
      })
      .strict()
      .nullable()
      .optional(),
    location: z.string().max(100).optional(),
    lines: z
      .array(
        z
          .object({
            lineNo,
            hisDrugCode: code,
            quantity: z.number().positive(),
            unit: z.string().trim().min(1).max(20),
          })
          .strict()
      )
      .min(1)
      .max(200),
  })
  .strict();

export const receiptBody = z
  .object({
    deliveryNo: code,
    supplier: z.string().trim().min(1).max(200),
    location: z.string().max(100).optional(),
    lines: z
      .array(
        z
          .object({
            lineNo,
            hisDrugCode: code,
            lot: z.string().max(30).nullable().default(null),
            expiry: date.nullable().default(null),
            manufactureDate: date.nullable().default(null),
            quantity: z.number().int().positive(),
          })
          .strict()
      )
      .min(1)
      .max(500),
  })
  .strict();

export const returnBody = z
  .object({
    dispenseId: z.string().max(64).nullable().default(null),
    prescriptionNo: z.string().max(64).nullable().default(null),
    visitNo: z.string().max(64).nullable().default(null),
    reason: z.string().max(200).nullable().default(null),
    location: z.string().max(100).optional(),
    lines: z
      .array(z.object({ lineNo, hisDrugCode: code, quantity: z.number().int().positive() }).strict())
      .min(1)
      .max(200),
  })
  .strict();

export const scanBody = z.object({ scan: z.string().min(1).max(2000) }).strict();

export const completeBody = z
  .object({
    override: z
      .object({ reason: z.string().trim().min(1).max(200) })
      .strict()
      .optional(),
  })
  .strict();

export const cancelBody = z.object({ reason: z.string().max(200).default('') }).strict();
