import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TONE_BURSTS, matchOnsets, toneBurstWav } from '../../bench/doorbell/tones.ts';

describe('doorbell benchmark: tone bursts and onset matching', () => {
  it('writes a 48 kHz mono 16-bit WAV with a burst at the start of every period and silence between', () => {
    const wav = toneBurstWav();
    assert.equal(wav.toString('ascii', 0, 4), 'RIFF');
    assert.equal(wav.readUInt32LE(24), TONE_BURSTS.sampleRate);
    assert.equal(wav.readUInt16LE(22), 1);
    const samples = (wav.length - 44) / 2;
    assert.equal(samples, TONE_BURSTS.sampleRate * TONE_BURSTS.seconds);
    const at = (ms: number) =>
      Math.abs(wav.readInt16LE(44 + 2 * Math.round((ms * TONE_BURSTS.sampleRate) / 1000)));
    let loud = 0;
    for (let ms = 10; ms < TONE_BURSTS.burstMs - 10; ms += 0.1) loud = Math.max(loud, at(ms));
    assert.ok(loud > 0.5 * 32767, 'the burst is loud');
    for (const ms of [TONE_BURSTS.burstMs + 5, 500, 990]) assert.equal(at(ms), 0, `silent at ${ms} ms`);
  });

  it('pairs each heard onset with the latest sent one before it, once, within the window', () => {
    assert.deepEqual(matchOnsets([1000, 2000, 3000], [1150, 2120, 3400], 300), [150, 120]);
    // An onset heard before anything was sent, or twice for one burst, is not a sample.
    assert.deepEqual(matchOnsets([1000], [900, 1100, 1200], 500), [100]);
    assert.deepEqual(matchOnsets([], [1, 2], 500), []);
  });
});
