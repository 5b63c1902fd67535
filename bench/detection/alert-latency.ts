/**
 * `npm run bench -- --only alert-latency`: how long from the camera deciding "motion" or
 * "person" (the event's `at`, epoch ms on the camera) to the alert, snapshot verified and
 * stored, appearing in the viewer's event list (`event-item`, its `data-at`). Loopback:
 * the built app served by our relay, camera (person-at-door) and viewer in separate
 * Chromium processes on this machine, so both read the same clock.
 *
 * Each run reloads the camera page: detection starts afresh and the person in the looping
 * clip raises a new motion-start and person event. Target (issue 4): under 1 s.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { Benchmark } from '../lib/benchmark.ts';
import { checkBrowserPrerequisites, launchChromium } from '../lib/chromium.ts';
import { BenchError } from '../lib/errors.ts';
import { replaceSection } from '../lib/markdown-section.ts';
import { BENCHMARKS_MD, RESULTS_DIR } from '../lib/paths.ts';
import { startRelay } from '../lib/relay-process.ts';
import { median, p90, round } from '../lib/stats.ts';

const TIMEOUT_MS = 60_000;
const TARGET_MS = 1000;

/** Records, in the viewer page, when each new event item appears (expression string: see bench/ttff/pages/api.ts). */
const OBSERVE = `(() => {
  if (window.__alerts) return 0;
  window.__alerts = [];
  const seen = new WeakSet();
  new MutationObserver(() => {
    for (const el of document.querySelectorAll('[data-testid="event-item"]')) {
      if (seen.has(el)) continue;
      seen.add(el);
      window.__alerts.push({ type: el.dataset.eventType, at: Number(el.dataset.at), shownAt: Date.now() });
    }
  }).observe(document.body, { subtree: true, childList: true });
  return 0;
})()`;

interface Seen {
  type: string;
  at: number;
  shownAt: number;
}

async function pair(camera: Page, viewer: Page): Promise<void> {
  const codeEl = camera.getByTestId('pairing-code').filter({ hasText: /\S/ });
  await codeEl.waitFor({ timeout: TIMEOUT_MS });
  await viewer.getByTestId('add-camera').click();
  await viewer.getByTestId('pairing-code-input').fill(((await codeEl.textContent()) ?? '').trim());
  await viewer.getByTestId('pairing-submit').click();
  const tile = viewer.getByTestId('camera-tile').first();
  const deadline = Date.now() + TIMEOUT_MS;
  while (!(await tile.isVisible())) {
    if (Date.now() > deadline) throw new BenchError('PAIRING_FAILED', 'no camera-tile after pairing');
    for (const page of [viewer, camera]) {
      const confirm = page.getByTestId('pairing-confirm');
      if (await confirm.isVisible()) await confirm.click({ timeout: 1000 }).catch(() => undefined);
    }
    await tile.waitFor({ timeout: 250 }).catch(() => undefined);
  }
}

export const alertLatency: Benchmark = {
  name: 'alert-latency',
  summary: 'camera detection decision to the alert shown at the viewer, loopback (target < 1 s)',
  async run({ runs, cleanup, signal, log }) {
    await checkBrowserPrerequisites();
    const relay = await startRelay(cleanup, signal);
    const camera = await (await launchChromium(cleanup, 'alert camera')).newPage();
    const viewer = await (await launchChromium(cleanup, 'alert viewer')).newPage();
    await camera.goto(`${relay.url}/#/camera`);
    await viewer.goto(`${relay.url}/#/viewer`);
    await pair(camera, viewer);
    await viewer.evaluate(OBSERVE);

    const samples: Seen[] = [];
    let withSnapshot = 0;
    for (let run = 0; run < runs && !signal.aborted; run++) {
      const armedAt = Date.now();
      await camera.reload();
      try {
        await viewer.waitForFunction(
          (since: number) =>
            ((window as unknown as { __alerts: Seen[] }).__alerts ?? []).some(
              (a) => a.type === 'person' && a.at >= since,
            ),
          armedAt,
          { timeout: TIMEOUT_MS },
        );
      } catch (err) {
        throw new BenchError('TIMEOUT', `run ${run + 1}: no person alert at the viewer in ${TIMEOUT_MS} ms`, {
          cause: err,
        });
      }
      const all = (await viewer.evaluate('window.__alerts')) as Seen[];
      const fresh = all.filter((a) => a.at >= armedAt);
      samples.push(...fresh);
      // The <img> follows its item by one render (blob URL); count the fresh items that have one.
      withSnapshot += await viewer.evaluate(
        (since: number) =>
          [...document.querySelectorAll<HTMLElement>('[data-testid="event-item"]')].filter(
            (el) => Number(el.dataset['at']) >= since && el.querySelector('[data-testid="event-snapshot"]'),
          ).length,
        armedAt,
      );
      log(
        `alert-latency: run ${run + 1}: ${fresh.map((a) => `${a.type} ${a.shownAt - a.at} ms`).join(', ')}`,
      );
      await viewer.evaluate('window.__alerts.length = 0');
    }

    const byType = (type: string) => samples.filter((s) => s.type === type).map((s) => s.shownAt - s.at);
    const summary = (xs: number[]) =>
      xs.length ? { n: xs.length, medianMs: round(median(xs), 0), p90Ms: round(p90(xs), 0) } : null;
    const result = {
      when: new Date().toISOString(),
      runs,
      targetMs: TARGET_MS,
      person: summary(byType('person')),
      motionStart: summary(byType('motion-start')),
      withSnapshot,
      samples: samples.length,
    };
    log(`alert-latency: ${JSON.stringify(result)}`);
    await writeFile(path.join(RESULTS_DIR, 'alert-latency.json'), JSON.stringify(result, null, 2) + '\n');
    const row = (name: string, s: ReturnType<typeof summary>) =>
      s
        ? `| ${name} | ${s.n} | ${s.medianMs} ms | ${s.p90Ms} ms | ${round(s.medianMs / TARGET_MS, 2)} |`
        : `| ${name} | 0 | – | – | – |`;
    const body = `## Alert latency (camera decision to viewer, loopback)

From the camera deciding on an event (its \`at\`) to the alert, JPEG snapshot reassembled, SHA-256
checked and stored, appearing in the viewer's event list. Sealed end to end, through our relay,
snapshot in chunks paced under the relay's rate limit. Camera and viewer are separate headless
Chromium processes on this machine (same clock); \`npm run bench -- --only alert-latency\`, ${result.when}.
Ratio is against the issue's target of ${TARGET_MS} ms.

| event | alerts | median | p90 | median / target |
| --- | --- | --- | --- | --- |
${row('person', result.person)}
${row('motion-start', result.motionStart)}

${result.withSnapshot} of ${result.samples} alerts arrived with their snapshot.`;
    const doc = await readFile(BENCHMARKS_MD, 'utf8');
    await writeFile(BENCHMARKS_MD, replaceSection(doc, 'alert-latency', body));
  },
};
