/**
 * The platform's duplicate-code notices (追溯码重复通知): what only the insurance platform can see — the same code
 * settled at a pharmacy after the hospital sold it (回流), in several regions (假药), or repeatedly at one place
 * (串换) — reaches the hospital as a list. Its fields mirror the 3513 sale-trace query's output (reference §5).
 */

export const NoticeKinds = ['resold', 'counterfeit', 'substitution', 'other'] as const;
export type NoticeKind = (typeof NoticeKinds)[number];

export const noticeKindName: Record<NoticeKind, string> = {
  resold: '回流',
  counterfeit: '假药',
  substitution: '串换',
  other: '其他',
};

/** One sale record the platform lists as a duplicate of a code. */
export interface DuplicateNotice {
  id: string;
  /** What makes two imports of the same record one notice (see noticeKeyOf). */
  noticeKey: string;
  kind: NoticeKind;
  /** 药品追溯码 drug_trac_codg */
  traceCode: string;
  /** 追溯流水号 (rid) */
  traceSerialNo: string | null;
  /** 定点医药机构编号 of this sale record: the hospital itself or another institution. */
  fixmedinsCode: string | null;
  fixmedinsName: string | null;
  /** 医药机构目录编码 (that institution's own drug code) */
  medinsListCodg: string | null;
  /** 医疗目录编码 (the insurance code) */
  medListCodg: string | null;
  /** 批次流水号 fixmedins_bchno */
  fixmedinsBchno: string | null;
  /** 商品销售流水号 medins_prod_sel_no */
  saleSerialNo: string | null;
  mdtrtId: string | null;
  /** 就诊结算类型 mdtrt_setl_type */
  mdtrtSetlType: string | null;
  /** 记账流水号 bkkp_sn */
  bkkpSn: string | null;
  /** 拆零标志 trdn_flag */
  trdnFlag: string | null;
  psnNo: string | null;
  psnName: string | null;
  /** The sale's time as the notice gives it. */
  saleTime: string | null;
  /** 统筹区 / region of that sale. */
  region: string | null;
  importedAt: string;
  importedBy: string;
  /** The file name, or `api`. */
  source: string;
  /** Columns of the notice tracegate does not know, kept as given. */
  extra: Record<string, string>;
}

export type NoticeDraft = Omit<
  DuplicateNotice,
  'id' | 'noticeKey' | 'kind' | 'importedAt' | 'importedBy' | 'source'
> & {
  /** As the notice says (回流/假药/串换…), or null to infer. */
  kind: NoticeKind | null;
};

const kindWords: Record<string, NoticeKind> = {
  resold: 'resold',
  回流: 'resold',
  回流药: 'resold',
  回流销售: 'resold',
  counterfeit: 'counterfeit',
  fake: 'counterfeit',
  假药: 'counterfeit',
  假药模型: 'counterfeit',
  假劣药: 'counterfeit',
  substitution: 'substitution',
  串换: 'substitution',
  串换销售: 'substitution',
  other: 'other',
  其他: 'other',
  虚假销售: 'other',
  超量开药: 'other',
};

/** A kind as written in a notice; undefined when the word is not one of them. */
export function noticeKindOf(word: string): NoticeKind | undefined {
  return kindWords[word.normalize('NFKC').trim().toLowerCase()];
}

/**
 * The same record imported twice (a file re-sent, a list that overlaps the last one) is one notice: by 追溯流水号
 * when the platform gives it, else by code, institution and the first sale reference it has.
 */
export function noticeKeyOf(n: NoticeDraft): string {
  if (n.traceSerialNo) {
    return `rid:${n.traceSerialNo}`;
  }
  const ref = n.fixmedinsBchno ?? n.saleSerialNo ?? n.bkkpSn ?? n.mdtrtId ?? n.saleTime ?? '';
  return `${n.traceCode}|${n.fixmedinsCode ?? ''}|${ref}`;
}

/**
 * A notice without a kind gets one from what it shows: the hospital's own sale repeated (串换); a retail pharmacy's
 * sale (institution codes of 定点零售药店 start with P) after the hospital's (回流); the code's records in two or more
 * regions (假药); else 其他.
 */
export function inferNoticeKind(n: NoticeDraft, ownCode: string, regionsOfCode: number): NoticeKind {
  if (n.kind) {
    return n.kind;
  }
  if (regionsOfCode >= 2) {
    return 'counterfeit';
  }
  if (n.fixmedinsCode && n.fixmedinsCode === ownCode) {
    return 'substitution';
  }
  if (n.fixmedinsCode && /^P/i.test(n.fixmedinsCode)) {
    return 'resold';
  }
  return 'other';
}

/** Notices of one import: kinds inferred over the batch (regions counted per code), keys and ids given. */
export function completeNotices(
  drafts: readonly NoticeDraft[],
  context: { ownCode: string; at: string; actor: string; source: string; newId: () => string }
): DuplicateNotice[] {
  const regions = new Map<string, Set<string>>();
  for (const d of drafts) {
    if (d.region) {
      const set = regions.get(d.traceCode) ?? new Set<string>();
      set.add(d.region);
      regions.set(d.traceCode, set);
    }
  }
  return drafts.map((d) => ({
    ...d,
    id: context.newId(),
    noticeKey: noticeKeyOf(d),
    kind: inferNoticeKind(d, context.ownCode, regions.get(d.traceCode)?.size ?? 0),
    importedAt: context.at,
    importedBy: context.actor,
    source: context.source,
  }));
}
