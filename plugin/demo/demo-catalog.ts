import type { DrugDraft, TracePrefix } from '../../core/catalog/drug.js';

/** A realistic small catalog for `npm start`: 集采 drugs from the seed case, 无码 items, a GS1 import, pack levels. */

const unit = (prefix: string): TracePrefix => ({ prefix, packLevel: 1, unitCount: 1 });
const middle = (prefix: string, unitCount: number): TracePrefix => ({ prefix, packLevel: 2, unitCount });
const kase = (prefix: string, unitCount: number): TracePrefix => ({ prefix, packLevel: 3, unitCount });

function drug(d: Partial<DrugDraft> & Pick<DrugDraft, 'hisDrugCode' | 'name' | 'unitsPerPack'>): DrugDraft {
  return {
    insuranceCode: null,
    spec: null,
    manufacturer: null,
    rxFlag: true,
    vbpFlag: false,
    unitName: '片',
    prefixes: [],
    gtins: [],
    barcode69: null,
    exempt: false,
    exemptReason: null,
    ...d,
  };
}

export const demoDrugs: DrugDraft[] = [
  drug({
    hisDrugCode: 'Y0001',
    name: '阿托伐他汀钙片',
    spec: '20mg*7片',
    manufacturer: '北京嘉林药业股份有限公司',
    insuranceCode: 'XC10AAA034A001010100445',
    vbpFlag: true,
    unitsPerPack: 7,
    prefixes: [unit('8101001'), middle('8101002', 10), kase('8101003', 100)],
    barcode69: '6901234567809',
  }),
  drug({
    hisDrugCode: 'Y0002',
    name: '甲钴胺片',
    spec: '0.5mg*20片',
    manufacturer: '卫材(中国)药业有限公司',
    insuranceCode: 'XA11DBX042A001010102862',
    unitsPerPack: 20,
    prefixes: [unit('8102001'), kase('8102003', 50)],
  }),
  drug({
    hisDrugCode: 'Y0003',
    name: '厄贝沙坦氢氯噻嗪片',
    spec: '150mg/12.5mg*7片',
    manufacturer: '赛诺菲(杭州)制药有限公司',
    insuranceCode: 'XC09DAE058A001010101509',
    vbpFlag: true,
    unitsPerPack: 7,
    prefixes: [unit('8103001')],
  }),
  drug({
    hisDrugCode: 'Y0004',
    name: '黄芪(饮片)',
    spec: '10g',
    insuranceCode: 'T000700123',
    rxFlag: true,
    unitsPerPack: 1,
    unitName: 'g',
    exempt: true,
    exemptReason: '中药饮片，暂不要求追溯码',
  }),
  drug({
    hisDrugCode: 'Y0005',
    name: '甘精胰岛素注射液',
    spec: '3ml:300单位',
    manufacturer: 'Sanofi-Aventis Deutschland GmbH',
    insuranceCode: 'XA10AEG143B002010178529',
    unitsPerPack: 1,
    unitName: '支',
    gtins: [{ gtin: '05401234567898', packLevel: 1, unitCount: 1 }],
  }),
  drug({
    hisDrugCode: 'Y0006',
    name: '盐酸二甲双胍缓释片',
    spec: '0.5g*30片',
    insuranceCode: 'XA10BAE054A010010100998',
    vbpFlag: true,
    unitsPerPack: 30,
    prefixes: [unit('8106001')],
  }),
  drug({
    hisDrugCode: 'Y0007',
    name: '苯磺酸氨氯地平片',
    spec: '5mg*28片',
    insuranceCode: 'XC08CAA044A001010100445',
    vbpFlag: true,
    unitsPerPack: 28,
    prefixes: [unit('8107001'), middle('8107002', 20)],
  }),
  drug({
    hisDrugCode: 'Y0008',
    name: '阿莫西林胶囊',
    spec: '0.25g*24粒',
    insuranceCode: 'XJ01CAA040E001010101893',
    unitsPerPack: 24,
    unitName: '粒',
    prefixes: [unit('8108001')],
  }),
  drug({
    hisDrugCode: 'Y0009',
    name: '布洛芬缓释胶囊',
    spec: '0.3g*20粒',
    insuranceCode: 'XM01AEB062E008010100112',
    rxFlag: false,
    unitsPerPack: 20,
    unitName: '粒',
    prefixes: [unit('8109001')],
    barcode69: '6935123456783',
  }),
  drug({
    hisDrugCode: 'Y0010',
    name: '硝苯地平控释片',
    spec: '30mg*7片',
    insuranceCode: 'XC08CAB100A012010101893',
    unitsPerPack: 7,
    prefixes: [unit('8110001')],
  }),
  drug({
    hisDrugCode: 'Y0011',
    name: '复方甘草口服溶液(院内制剂)',
    spec: '100ml',
    unitsPerPack: 1,
    unitName: '瓶',
    rxFlag: false,
    exempt: true,
    exemptReason: '医院制剂，无追溯码',
  }),
  drug({
    hisDrugCode: 'Y0012',
    name: '奥美拉唑肠溶胶囊',
    spec: '20mg*14粒',
    insuranceCode: 'XA02BCA211E001010100445',
    unitsPerPack: 14,
    unitName: '粒',
    // Two unit prefixes: the same drug from two packaging lines.
    prefixes: [unit('8112001'), unit('8112011')],
  }),
];

/** A 20-digit code: the 7-digit prefix and a 13-digit serial. */
export const demoCode = (prefix: string, n: number): string => `${prefix}${String(n).padStart(13, '0')}`;
