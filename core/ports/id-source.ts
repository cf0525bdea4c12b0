/** Where new session ids come from (random in production, predictable in tests). */
export interface IdSource {
  /** A new id, unique across instances, ≤ 24 characters so `${id}-${lineNo}` fits a 30-character fixmedins_bchno. */
  next(prefix: string, now: Date): string;
}
