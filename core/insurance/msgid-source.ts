/**
 * msgid = 定点医药机构编号 (12) + yyyyMMddHHmmss (14, hospital-local) + sequence (4): 30 characters, unique per
 * request. A counter, never random: random 4-digit suffixes collide under load. When one second's 9,999 numbers
 * are used up the clock part moves on to the next second, so ids stay unique and in order.
 * Several instances sharing one institution code each get an instance digit (0–9) as the sequence's first digit.
 * A source built with `startAfter` begins at the NEXT second, so a process restarted within the second its
 * predecessor died in cannot repeat that predecessor's msgids.
 */
import { invalid } from '../errors.js';
import { platformSecondStamp } from './platform-time.js';

const CODE_LENGTH = 12;

export class MsgIdSource {
  private second = 0;
  private seq = 0;
  private readonly code: string;
  private readonly perSecond: number;

  constructor(
    fixmedinsCode: string,
    private readonly instanceDigit: number | null = null,
    startAfter: Date | null = null
  ) {
    if (!fixmedinsCode.trim()) {
      throw invalid('MSGID_CODE_MISSING', 'fixmedins_code is required to build msgid');
    }
    if (instanceDigit !== null && !(Number.isInteger(instanceDigit) && instanceDigit >= 0 && instanceDigit <= 9)) {
      throw invalid('MSGID_INSTANCE_INVALID', 'the instance digit of msgid must be 0–9');
    }
    this.code = fixmedinsCode.trim().slice(0, CODE_LENGTH).padEnd(CODE_LENGTH, '0');
    this.perSecond = instanceDigit === null ? 9999 : 999;
    if (startAfter) {
      this.second = Math.floor(startAfter.getTime() / 1000);
      this.seq = this.perSecond;
    }
  }

  next(now: Date): string {
    const second = Math.floor(now.getTime() / 1000);
    if (second > this.second) {
      this.second = second;
      this.seq = 0;
    }
    this.seq++;
    if (this.seq > this.perSecond) {
      this.second++;
      this.seq = 1;
    }
    const stamp = platformSecondStamp(this.second * 1000);
    const seq =
      this.instanceDigit === null
        ? String(this.seq).padStart(4, '0')
        : `${this.instanceDigit}${String(this.seq).padStart(3, '0')}`;
    return `${this.code}${stamp}${seq}`;
  }
}
