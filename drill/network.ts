/** `network`: relay killed during live view, pairing and ring; a live view's path taken away (drill/browser/network.drill.ts). */
import { runBrowserDrill } from './lib/browser-drill.ts';
import type { Drill } from './lib/drill.ts';

export const network: Drill = {
  name: 'network',
  summary:
    'Network faults during use: the relay killed and restarted during a live view, a pairing and a ring; the TURN path of a live view restarted (ICE restart).',
  run: (ctx) => runBrowserDrill('drill/browser/network.drill.ts', ctx),
};
