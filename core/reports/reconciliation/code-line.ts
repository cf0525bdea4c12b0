/** One code of a category as the pages and exports show it: the store's facts plus a short Chinese explanation. */
import { uploadStateName } from '../../insurance/upload.js';
import { packStateName } from '../../ledger/pack.js';
import type { CodeFact } from '../../ports/reconciliation-store.js';
import type { CodeListCategory } from './reconciliation-categories.js';

export interface CodeLine extends CodeFact {
  detail: string;
}

export function codeLine(category: CodeListCategory, fact: CodeFact, unitName: string | null): CodeLine {
  return { ...fact, detail: detailOf(category, fact, unitName ?? '个') };
}

function detailOf(category: CodeListCategory, f: CodeFact, unit: string): string {
  const now = f.state ? `，现为「${packStateName[f.state]}」` : '，台账中没有这盒';
  switch (category) {
    case 'dispensed_never_received':
      return `发药时台账中没有这盒，已补记入库${now}`;
    case 'received_twice':
      return `入库被拒 ${f.refusals ?? 1} 次（${f.refusalCode ?? ''}）${now}`;
    case 'returns_not_matching':
      return `退药被拒 ${f.refusals ?? 1} 次（${f.refusalCode ?? ''}）${now}`;
    case 'opened':
      return `已拆零，剩余 ${f.unitsLeft ?? 0}${unit}`;
    case 'quarantined':
    case 'scrapped':
    case 'transferred_out':
    case 'in_stock':
      return f.state ? packStateName[f.state] : '';
    case 'sold_not_uploaded':
      return `3505 上传 #${f.uploadId ?? ''}：${f.uploadState ? uploadStateName[f.uploadState] : ''}`;
    default:
      return category satisfies never;
  }
}
