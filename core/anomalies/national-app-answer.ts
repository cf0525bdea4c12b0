/**
 * What the national insurance app (国家医保服务平台「药品追溯码查询」) answers for one code, as far as this hospital
 * can tell: its own sales of the code not undone by returns, and the platform's duplicate notices (which exist only
 * when the platform holds two or more sales of the code). The public checker's three answers are quoted as it
 * prints them (reference §5); the meaning is written for a pharmacist or a patient at the counter.
 */
import type { LedgerEvent } from '../ledger/pack.js';
import { shanghaiDateTime } from '../shanghai-time.js';
import type { DuplicateNotice } from './duplicate-notice.js';

export const NationalAppAnswers = ['none', 'one', 'several'] as const;
export type NationalAppAnswer = (typeof NationalAppAnswers)[number];

export const nationalAppText: Record<NationalAppAnswer, string> = {
  none: '未查询到销售信息',
  one: '查询到仅有1次销售信息',
  several: '查询到有2次及以上的销售信息',
};

export interface NationalAppView {
  answer: NationalAppAnswer;
  text: string;
  meaning: string;
  /** This hospital's sales of the code, net of returns. */
  localSales: number;
  /** Sale records the platform's duplicate notices list for the code. */
  noticeRecords: number;
  /** Of the local sales, those of 拆零 units (many by design for one opened pack). */
  splitSales: number;
}

/** Sales net of returns: each 'dispense' or 'dispense_units' counts one, each return takes one back. */
export function localSales(history: readonly LedgerEvent[]): { net: number; split: number; last: LedgerEvent | null } {
  let net = 0;
  let split = 0;
  let last: LedgerEvent | null = null;
  for (const e of history) {
    if (e.action === 'dispense' || e.action === 'dispense_units') {
      net += 1;
      split += e.action === 'dispense_units' ? 1 : 0;
      last = e;
    } else if (e.action === 'return_to_stock' || e.action === 'return_to_quarantine') {
      net = Math.max(0, net - 1);
    }
  }
  return { net, split, last };
}

export function nationalAppAnswer(
  history: readonly LedgerEvent[],
  notices: readonly DuplicateNotice[]
): NationalAppView {
  const { net, split, last } = localSales(history);
  const answer: NationalAppAnswer = notices.length > 0 || net >= 2 ? 'several' : net === 1 ? 'one' : 'none';
  return {
    answer,
    text: nationalAppText[answer],
    meaning: meaningOf(answer, { net, split, last, notices }),
    localSales: net,
    noticeRecords: notices.length,
    splitSales: split,
  };
}

function meaningOf(
  answer: NationalAppAnswer,
  f: { net: number; split: number; last: LedgerEvent | null; notices: readonly DuplicateNotice[] }
): string {
  switch (answer) {
    case 'none':
      return (
        '本院没有这盒药仍然有效的销售记录（尚未发出，或发出后已退药）。药盒若已在患者手中却查不到销售记录，' +
        '可能是销售尚未上传医保平台，或这盒药并非本院售出，请药师核查。'
      );
    case 'one': {
      const sale = f.last
        ? `（本院 ${shanghaiDateTime(f.last.occurredAt).slice(0, 16)}${f.last.ref ? ` 处方 ${f.last.ref}` : ''} 发出）`
        : '';
      return `这盒药只有一次销售记录${sale}，一盒药只应被销售一次，属正常情况，患者可放心使用。`;
    }
    case 'several': {
      const split = f.split >= 2 && f.notices.length === 0 ? '这是拆零药品，同一盒被多次拆零销售属正常情况；' : '';
      const notice = f.notices.length > 0 ? `医保平台已就该追溯码发出 ${f.notices.length} 条重复销售通知；` : '';
      return (
        `${notice}${split}同一追溯码有两次及以上销售记录。一盒药只应有一次销售记录，多次销售可能是回流药、串换或假药；` +
        '若不是拆零或退药后重新销售，请停止使用并交药房主管或医保部门核查。'
      );
    }
    default:
      return answer satisfies never;
  }
}
