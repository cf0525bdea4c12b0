import { refused, notFound, invalid } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { CatalogStore, CodeOwner } from '../ports/catalog-store.js';
import type { RecognizedScan } from '../recognition/recognize-scan.js';
import { CatalogIndex } from './catalog-index.js';
import type { Drug, DrugDraft, DrugVersion, PackLevel } from './drug.js';
import { packLevelName } from './drug.js';

export type TraceScan = Extract<RecognizedScan, { kind: 'cn_trace_code' | 'gs1' }>;

export interface ResolvedCode {
  traceCode: string;
  scan: TraceScan;
  owner: CodeOwner;
}

/**
 * The three-code mapping as the rest of the core sees it. Lookups go through a cached index
 * (refreshed after `cacheMs`, and at once after this instance's own writes) so a scan costs no query.
 */
export class CatalogService {
  private cached: { index: CatalogIndex; at: number } | undefined;
  private loading: Promise<CatalogIndex> | undefined;

  constructor(
    private readonly store: CatalogStore,
    private readonly clock: Clock,
    private readonly cacheMs = 10_000
  ) {}

  async index(): Promise<CatalogIndex> {
    const now = this.clock.now().getTime();
    if (this.cached && now - this.cached.at < this.cacheMs) {
      return this.cached.index;
    }
    this.loading ??= this.store
      .listDrugs()
      .then((drugs) => {
        const index = new CatalogIndex(drugs);
        this.cached = { index, at: now };
        return index;
      })
      .finally(() => (this.loading = undefined));
    return this.loading;
  }

  invalidate(): void {
    this.cached = undefined;
  }

  /** Which drug and pack level a recognised scan belongs to; a refusal that names the scan otherwise. */
  async resolve(scan: RecognizedScan): Promise<ResolvedCode> {
    switch (scan.kind) {
      case 'ean13':
      case 'unknown':
        throw invalid(scan.problem.code, scan.problem.message, { raw: scan.raw });
      case 'cn_trace_code': {
        const owner = (await this.index()).ownerOfPrefix(scan.productPrefix);
        if (!owner) {
          throw unmapped(scan.traceCode, 'PREFIX_UNMAPPED', `药品标识码 ${scan.productPrefix}`, scan.productPrefix);
        }
        return { traceCode: scan.traceCode, scan, owner };
      }
      case 'gs1': {
        const owner = (await this.index()).ownerOfGtin(scan.gtin);
        if (!owner) {
          throw unmapped(scan.traceCode, 'GTIN_UNMAPPED', `GTIN ${scan.gtin}`, scan.gtin);
        }
        return { traceCode: scan.traceCode, scan, owner };
      }
      default:
        return scan satisfies never;
    }
  }

  async getDrug(hisDrugCode: string): Promise<Drug> {
    const drug = await this.store.getDrug(hisDrugCode);
    if (!drug) {
      throw notFound('DRUG_NOT_FOUND', `药品编码 ${hisDrugCode} 不在药品目录中`, { hisDrugCode });
    }
    return drug;
  }

  listDrugs(): Promise<Drug[]> {
    return this.store.listDrugs();
  }

  history(hisDrugCode: string): Promise<DrugVersion[]> {
    return this.store.drugHistory(hisDrugCode);
  }

  async save(
    drafts: DrugDraft[],
    actor: string,
    source: string,
    expectedVersions?: Record<string, number>
  ): Promise<Drug[]> {
    try {
      return await this.store.saveDrugs(drafts, {
        actor,
        source,
        at: this.clock.now().toISOString(),
        expectedVersions,
      });
    } finally {
      this.invalidate();
    }
  }

  /** 学习: an authorised user attaches a prefix seen on a scan to a drug. */
  async learnPrefix(input: {
    prefix: string;
    hisDrugCode: string;
    packLevel: PackLevel;
    unitCount: number;
    actor: string;
  }): Promise<Drug> {
    if (!/^8\d{6}$/.test(input.prefix)) {
      throw invalid('PREFIX_INVALID', `药品标识码应为8开头的7位数字，收到「${input.prefix}」`, {
        prefix: input.prefix,
      });
    }
    const drug = await this.getDrug(input.hisDrugCode);
    if (drug.prefixes.some((p) => p.prefix === input.prefix)) {
      return drug;
    }
    const unitCount = input.packLevel === 1 ? 1 : input.unitCount;
    const draft: DrugDraft = {
      ...stripVersion(drug),
      prefixes: [...drug.prefixes, { prefix: input.prefix, packLevel: input.packLevel, unitCount }],
    };
    const [saved] = await this.save([draft], input.actor, 'learn', { [drug.hisDrugCode]: drug.version });
    return saved ?? drug;
  }
}

export function stripVersion(drug: Drug): DrugDraft {
  const { version: _v, updatedAt: _a, updatedBy: _b, ...draft } = drug;
  return draft;
}

function unmapped(traceCode: string, code: string, what: string, key: string) {
  return refused(code, `追溯码 ${traceCode} 的${what}未对照到本院药品目录，请维护三码对照后再扫`, { traceCode, key });
}

export function describeOwner(owner: CodeOwner): string {
  return `${owner.drug.name}${owner.drug.spec ? ` ${owner.drug.spec}` : ''}（${packLevelName[owner.packLevel]}）`;
}
