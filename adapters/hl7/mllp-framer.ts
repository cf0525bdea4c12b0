/**
 * MLLP framing on bytes (0x0B payload 0x1C 0x0D), before any decoding: a multibyte GBK or UTF-8 character split
 * across TCP chunks stays whole, and the payload is stored byte-exact. Several frames in one chunk and one frame over
 * many chunks both work; bytes outside a frame (the 0x0D after 0x1C, line noise) are dropped. A frame growing past
 * the limit is reported once and skipped to its end.
 */
export const MLLP_START = 0x0b;
export const MLLP_END = 0x1c;
export const MLLP_CR = 0x0d;

/** What the start of an oversized frame is kept for: reading its MSH-10 for the AR. */
const HEAD_BYTES = 4096;

export type FramerOutput =
  | { kind: 'frame'; bytes: Buffer }
  | { kind: 'too_large'; head: Buffer; limit: number }
  /** A start byte inside a frame: the unfinished frame is dropped and a new one begins. */
  | { kind: 'abandoned'; bytes: number };

export class MllpFramer {
  private parts: Buffer[] = [];
  private size = 0;
  private inFrame = false;
  /** Past the limit: bytes are counted, not kept, until the end byte. */
  private skipping = false;

  constructor(private readonly maxFrameBytes: number) {}

  push(chunk: Uint8Array): FramerOutput[] {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const out: FramerOutput[] = [];
    let pos = 0;
    while (pos < bytes.length) {
      pos = this.inFrame ? this.readInside(bytes, pos, out) : this.findStart(bytes, pos);
    }
    return out;
  }

  /** Bytes before a start byte are not HL7: skip them. */
  private findStart(bytes: Buffer, pos: number): number {
    const start = bytes.indexOf(MLLP_START, pos);
    if (start === -1) {
      return bytes.length;
    }
    this.begin();
    return start + 1;
  }

  private readInside(bytes: Buffer, pos: number, out: FramerOutput[]): number {
    const end = bytes.indexOf(MLLP_END, pos);
    const restart = bytes.indexOf(MLLP_START, pos);
    if (restart !== -1 && (end === -1 || restart < end)) {
      this.keep(bytes.subarray(pos, restart), out);
      out.push({ kind: 'abandoned', bytes: this.size });
      this.begin();
      return restart + 1;
    }
    if (end === -1) {
      this.keep(bytes.subarray(pos), out);
      return bytes.length;
    }
    this.keep(bytes.subarray(pos, end), out);
    if (!this.skipping) {
      out.push({ kind: 'frame', bytes: Buffer.concat(this.parts, this.size) });
    }
    this.inFrame = false;
    this.parts = [];
    return end + 1;
  }

  private keep(piece: Buffer, out: FramerOutput[]): void {
    this.size += piece.length;
    if (this.skipping) {
      return;
    }
    this.parts.push(piece);
    if (this.size > this.maxFrameBytes) {
      const head = Buffer.concat(this.parts, this.size).subarray(0, HEAD_BYTES);
      out.push({ kind: 'too_large', head: Buffer.from(head), limit: this.maxFrameBytes });
      this.parts = [];
      this.skipping = true;
    }
  }

  private begin(): void {
    this.inFrame = true;
    this.parts = [];
    this.size = 0;
    this.skipping = false;
  }
}
