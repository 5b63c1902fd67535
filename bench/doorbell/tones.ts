/**
 * The fake microphone for the talk-back latency: a 48 kHz mono 16-bit WAV of
 * short 1 kHz tone bursts, one per period, silence in between, so that each
 * burst's onset can be found on both sides (see `pages.ts`). Pure.
 */
export interface ToneBursts {
  sampleRate: number;
  periodMs: number;
  burstMs: number;
  freqHz: number;
  amplitude: number;
  seconds: number;
}

export const TONE_BURSTS: ToneBursts = {
  sampleRate: 48_000,
  periodMs: 1000,
  burstMs: 80,
  freqHz: 1000,
  amplitude: 0.6,
  seconds: 10,
};

export function toneBurstWav(t: ToneBursts = TONE_BURSTS): Buffer {
  const n = Math.round(t.sampleRate * t.seconds);
  const data = Buffer.alloc(n * 2);
  const period = Math.round((t.sampleRate * t.periodMs) / 1000);
  const burst = Math.round((t.sampleRate * t.burstMs) / 1000);
  const ramp = Math.round(t.sampleRate * 0.002); // 2 ms, so the edges do not click
  for (let i = 0; i < n; i++) {
    const k = i % period;
    let v = 0;
    if (k < burst) {
      const env = Math.min(1, k / ramp, (burst - k) / ramp);
      v = t.amplitude * env * Math.sin((2 * Math.PI * t.freqHz * k) / t.sampleRate);
    }
    data.writeInt16LE(Math.round(v * 32767), i * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(t.sampleRate, 24);
  header.writeUInt32LE(t.sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/**
 * Pairs each onset heard at the far end with the latest onset sent before it (within
 * `maxMs`) and returns the delays in ms. Onsets are epoch ms on one machine's clock.
 */
export function matchOnsets(sent: readonly number[], heard: readonly number[], maxMs: number): number[] {
  const out: number[] = [];
  const s = [...sent].sort((a, b) => a - b);
  const used = new Set<number>();
  for (const h of [...heard].sort((a, b) => a - b)) {
    let best = -1;
    for (let i = 0; i < s.length; i++) {
      const v = s[i] as number;
      if (v <= h && h - v <= maxMs) best = i;
    }
    if (best >= 0 && !used.has(best)) {
      used.add(best);
      out.push(h - (s[best] as number));
    }
  }
  return out;
}
