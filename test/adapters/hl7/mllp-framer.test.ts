import { expect } from 'chai';
import { MllpFramer, type FramerOutput } from '../../../adapters/hl7/mllp-framer.js';

const VT = 0x0b;
const FS = 0x1c;
const CR = 0x0d;
const bytes = (...parts: (string | number)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'number' ? Buffer.of(p) : Buffer.from(p, 'utf8'))));
const frames = (out: FramerOutput[]) =>
  out.filter((o) => o.kind === 'frame').map((o) => (o as { bytes: Buffer }).bytes.toString('utf8'));

describe('MllpFramer', () => {
  it('reads one frame, dropping the trailing CR and anything before the start byte', () => {
    const framer = new MllpFramer(1024);
    expect(frames(framer.push(bytes('noise\r\n', VT, 'MSH|a', FS, CR)))).to.deep.equal(['MSH|a']);
  });

  it('reads several frames from one chunk', () => {
    const framer = new MllpFramer(1024);
    const out = framer.push(bytes(VT, 'one', FS, CR, VT, 'two', FS, CR, VT, 'three', FS, CR));
    expect(frames(out)).to.deep.equal(['one', 'two', 'three']);
  });

  it('reads a frame split over chunks, also inside a multibyte character and between FS and CR', () => {
    const framer = new MllpFramer(1024);
    const whole = bytes(VT, 'PID|王小明', FS, CR, VT, 'next', FS, CR);
    const out: FramerOutput[] = [];
    for (const cut of [
      [0, 1],
      [1, 6],
      [6, 8],
      [8, 14],
      [14, 15],
      [15, whole.length],
    ] as const) {
      out.push(...framer.push(whole.subarray(cut[0], cut[1])));
    }
    expect(frames(out)).to.deep.equal(['PID|王小明', 'next']);
  });

  it('reads a frame byte by byte', () => {
    const framer = new MllpFramer(1024);
    const whole = bytes(VT, 'MSH|^~\\&|你好', FS, CR);
    const out = [...whole].flatMap((b) => framer.push(Buffer.of(b)));
    expect(frames(out)).to.deep.equal(['MSH|^~\\&|你好']);
  });

  it('accepts an end byte without the CR (some senders) and an empty frame', () => {
    const framer = new MllpFramer(1024);
    expect(frames(framer.push(bytes(VT, 'a', FS, VT, FS, CR)))).to.deep.equal(['a', '']);
  });

  it('drops an unfinished frame when a new one starts, and says so', () => {
    const framer = new MllpFramer(1024);
    const out = framer.push(bytes(VT, 'lost', VT, 'kept', FS, CR));
    expect(out[0]).to.deep.equal({ kind: 'abandoned', bytes: 4 });
    expect(frames(out)).to.deep.equal(['kept']);
  });

  it('reports a frame past the limit once, keeps its head, skips it and reads the next frame', () => {
    const framer = new MllpFramer(10);
    const out = [
      ...framer.push(bytes(VT, 'MSH|12345')),
      ...framer.push(bytes('67890abcdef')),
      ...framer.push(bytes('more', FS, CR, VT, 'small', FS, CR)),
    ];
    expect(out.map((o) => o.kind)).to.deep.equal(['too_large', 'frame']);
    const tooLarge = out[0] as { head: Buffer; limit: number };
    expect(tooLarge.head.toString('utf8')).to.equal('MSH|1234567890abcdef');
    expect(tooLarge.limit).to.equal(10);
    expect(frames(out)).to.deep.equal(['small']);
  });

  it('returns frames that do not share memory with the chunk', () => {
    const framer = new MllpFramer(1024);
    const chunk = bytes(VT, 'abc', FS, CR);
    const out = framer.push(chunk);
    chunk.fill(0);
    expect(frames(out)).to.deep.equal(['abc']);
  });
});
