/** `storage`: storage faults on either side, nothing lost (drill/browser/storage.drill.ts, in Chromium). */
import { runBrowserDrill } from './lib/browser-drill.ts';
import type { Drill } from './lib/drill.ts';

export const storage: Drill = {
  name: 'storage',
  summary:
    'Storage faults on camera and viewer: a full quota on settings writes, a database upgrade blocked by an older tab or asked for by a newer one, damaged records in the stores a page reads.',
  run: (ctx) => runBrowserDrill('drill/browser/storage.drill.ts', ctx),
};
