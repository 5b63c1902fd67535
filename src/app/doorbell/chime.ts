/**
 * The viewer's ring tone, made with Web Audio (nothing downloaded): a two-note
 * "ding-dong" repeated until stopped. Returns the stop function.
 */
export function startRingTone(everyMs = 2500): () => void {
  const Ctx = globalThis.AudioContext;
  if (!Ctx) return () => undefined;
  const ctx = new Ctx();
  const dingDong = () => {
    const t = ctx.currentTime;
    for (const [i, freq] of [659, 523].entries()) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = freq;
      const start = t + i * 0.45;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.35, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.8);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start);
      osc.stop(start + 0.85);
    }
  };
  dingDong();
  const timer = setInterval(dingDong, everyMs);
  return () => {
    clearInterval(timer);
    void ctx.close().catch(() => undefined);
  };
}
