/**
 * The platform's own time stamps, in hospital time (UTC+8 all year): refmsg_time/respond_time are
 * yyyyMMddHHmmssSSS, the time part of msgid/inf_refmsgid is yyyyMMddHHmmss.
 */
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/** yyyyMMddHHmmssSSS (17 digits) for an epoch millisecond. */
export function platformStamp(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().replace(/\D/g, '').slice(0, 17);
}

/** yyyyMMddHHmmss (14 digits) for an epoch millisecond. */
export function platformSecondStamp(ms: number): string {
  return platformStamp(ms).slice(0, 14);
}
