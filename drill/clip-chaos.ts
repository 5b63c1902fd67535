/** `clip-chaos`: clips exactly once under seeded faults (drill/browser/clip-chaos.drill.ts, in Chromium). */
import { runBrowserDrill } from './lib/browser-drill.ts';
import type { Drill } from './lib/drill.ts';

export const clipChaos: Drill = {
  name: 'clip-chaos',
  summary:
    'Clips exactly once: channel cuts, page reloads, relay restarts, full storage on either side, repeated and swapped chunks during clip delivery.',
  run: (ctx) => runBrowserDrill('drill/browser/clip-chaos.drill.ts', ctx),
};
