/**
 * What a browser drill file uses to read its options and hand its outcome back to
 * `drill/run.ts` (see `drill/lib/browser-drill.ts`).
 */
import { writeFileSync } from 'node:fs';
import type { DrillOutcome } from '../../lib/drill.ts';
import { DEFAULT_SEED } from '../../lib/args.ts';

export const drillOptions = {
  seed: Number(process.env.DRILL_SEED ?? DEFAULT_SEED),
  short: process.env.DRILL_SHORT === '1',
};

export function writeDrillResult(outcome: DrillOutcome): void {
  const path = process.env.DRILL_RESULT;
  if (!path) {
    // Run by hand with `playwright test -c drill/playwright.config.ts`: print instead.
    console.log(JSON.stringify(outcome, null, 2));
    return;
  }
  writeFileSync(path, JSON.stringify(outcome, null, 2));
}
