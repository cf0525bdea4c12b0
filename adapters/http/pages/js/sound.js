/**
 * Audible feedback at the window, made with WebAudio (no sound file): a low double beep on a refusal, a single
 * beep on a warning. `window.tracegateBeeps` counts them, so tests (and a curious IT person) can see the hook ran.
 */
const counts = { refusal: 0, warning: 0 };
window.tracegateBeeps = counts;

let ctx = null;

function context() {
  if (!ctx) {
    const Ctor = window.AudioContext ?? window.webkitAudioContext;
    if (!Ctor) {
      return null;
    }
    ctx = new Ctor();
  }
  if (ctx.state === 'suspended') {
    void ctx.resume().catch(() => undefined);
  }
  return ctx;
}

function tone(audio, startAt, frequency, seconds) {
  const osc = audio.createOscillator();
  const gain = audio.createGain();
  osc.type = 'square';
  osc.frequency.value = frequency;
  gain.gain.setValueAtTime(0.0001, startAt);
  gain.gain.exponentialRampToValueAtTime(0.25, startAt + 0.01);
  gain.gain.exponentialRampToValueAtTime(0.0001, startAt + seconds);
  osc.connect(gain).connect(audio.destination);
  osc.start(startAt);
  osc.stop(startAt + seconds + 0.02);
}

/** @param {'refusal' | 'warning'} kind */
export function beep(kind) {
  counts[kind] += 1;
  try {
    const audio = context();
    if (!audio) {
      return;
    }
    const now = audio.currentTime;
    if (kind === 'refusal') {
      tone(audio, now, 330, 0.18);
      tone(audio, now + 0.25, 330, 0.18);
    } else {
      tone(audio, now, 660, 0.12);
    }
  } catch {
    // No audio device: the colour and the text still say it.
  }
}

/** Browsers start audio only after a user gesture; a scanner's keystrokes are one. */
export function unlockAudioOnFirstKey() {
  const unlock = () => {
    try {
      context();
    } catch {
      // ignore
    }
  };
  window.addEventListener('keydown', unlock, { once: true, capture: true });
  window.addEventListener('pointerdown', unlock, { once: true, capture: true });
}
