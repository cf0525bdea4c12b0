/**
 * inf_refmsgid = 接收方医保区划代码 (6) + yyyyMMddHHmmss (14, hospital time) + 流水号 (10): 30 characters
 * (insurance-interface.md §1.3), e.g. 310000202309201823500002516630. The 流水号 is one counter for the whole
 * receiver, not per second, so two answers can never share a reference even when the clock steps back.
 */
import { invalid } from '../errors.js';
import { platformSecondStamp } from './platform-time.js';

const COUNTER_DIGITS = 10;
const COUNTER_MODULUS = 10 ** COUNTER_DIGITS;

export class RefMsgIdSource {
  private counter = 0;

  constructor(private readonly area: string) {
    if (!/^\d{6}$/.test(area)) {
      throw invalid('AREA_CODE_INVALID', `医保区划代码「${area}」应为 6 位数字`, { area });
    }
  }

  next(now: Date): string {
    this.counter = (this.counter + 1) % COUNTER_MODULUS;
    return `${this.area}${platformSecondStamp(now.getTime())}${String(this.counter).padStart(COUNTER_DIGITS, '0')}`;
  }
}
