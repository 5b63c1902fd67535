/**
 * `npm run bench -- --only alert-latency`: how long from the person appearing in the camera's
 * frames to the person alert, snapshot verified and stored, appearing in the viewer's event
 * list (`event-item`). "Appearing" is measured without the app's detection: the camera runs a
 * clip made from person-at-door in which the person walks in at a known frame after a calm
 * empty stretch (appearance-clip.ts), and a watcher in the camera page records the capture
 * time of the first frame in which the person is visible (appearance-watch.ts). Each loop of
 * the clip is one appearance. Loopback: the built app served by our relay, camera and viewer
 * in separate Chromium processes on this machine, so both read the same clock.
 *
 * Also split: appearance to the camera's decision (the event's `at`), and decision to viewer.
 * Target (issue 4): under 1 s from appearance to the alert at the viewer.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { Benchmark } from '../lib/benchmark.ts';
import { checkBrowserPrerequisites, launchChromium } from '../lib/chromium.ts';
import { BenchError } from '../lib/errors.ts';
import { replaceSection } from '../lib/markdown-section.ts';
import { BENCHMARKS_MD, RESULTS_DIR } from '../lib/paths.ts';
import { startRelay } from '../lib/relay-process.ts';
import { median, p90, round } from '../lib/stats.ts';
import { EMPTY_REPEATS, FIRST_PERSON_FRAME, writeAppearanceClip } from './appearance-clip.ts';
import { appearanceWatchScript, type Appearance } from './appearance-watch.ts';
import { pair } from '../lib/pair-devices.ts';

const TIMEOUT_MS = 60_000;
/** Longer than one loop of the clip: no alert by then is a missed appearance. */
const ALERT_WAIT_MS = 10_000;
const TARGET_MS = 1000;

/**
 * Records, in a page, when each new item with `testid` appears, in `window[name]`
 * (expression string: see bench/ttff/pages/api.ts). The viewer's items carry the event's
 * `at`; the camera's own list does not, so `at` is NaN there.
 */
const observe = (testid: string, name: string) => `(() => {
  if (window.${name}) return 0;
  window.${name} = [];
  const seen = new WeakSet();
  new MutationObserver(() => {
    for (const el of document.querySelectorAll('[data-testid="${testid}"]')) {
      if (seen.has(el)) continue;
      seen.add(el);
      window.${name}.push({ type: el.dataset.eventType, at: Number(el.dataset.at), shownAt: Date.now() });
    }
  }).observe(document.body, { subtree: true, childList: true });
  return 0;
})()`;

interface Seen {
  type: string;
  at: number;
  shownAt: number;
}

interface Sample {
  appearedAt: number;
  captured: boolean;
  /** Appearance to the event at the viewer, to the camera's decision; null when none came. */
  personMs: number | null;
  decideMs: number | null;
  motionStartMs: number | null;
  /** Appearance to the person event in the camera's own event list. */
  cameraPersonMs: number | null;
}

const ms = (x: number | null) => (x === null ? 'missed' : `${Math.round(x)} ms`);

function appearances(camera: Page): Promise<Appearance[]> {
  return camera.evaluate('window.__appearances ?? []') as Promise<Appearance[]>;
}

export const alertLatency: Benchmark = {
  name: 'alert-latency',
  summary:
    'person appearing in the camera frames to the person alert shown at the viewer, loopback (target < 1 s)',
  async run({ runs, cleanup, signal, log }) {
    await checkBrowserPrerequisites();
    const clip = await writeAppearanceClip();
    cleanup.add('appearance clip', () => rm(clip.file, { force: true }));
    const relay = await startRelay(cleanup, signal);
    const camera = await (await launchChromium(cleanup, 'alert camera', { video: clip.file })).newPage();
    const viewer = await (await launchChromium(cleanup, 'alert viewer')).newPage();
    await camera.addInitScript({ content: appearanceWatchScript(clip.emptyJpeg) });
    await camera.goto(`${relay.url}/#/camera`);
    await viewer.goto(`${relay.url}/#/viewer`);
    await pair(camera, viewer, TIMEOUT_MS);
    await viewer.evaluate(observe('event-item', '__alerts'));
    await camera.evaluate(observe('camera-event-item', '__shown'));
    // Only appearances after the person model is ready count: before, no detector could see them.
    await camera
      .locator('[data-testid="detection-state"][data-state="running"][data-person="ready"]')
      .waitFor({ timeout: TIMEOUT_MS });
    let after = Date.now();
    const loadBefore = loadavg()[0] ?? 0;

    const samples: Sample[] = [];
    for (let run = 0; run < runs && !signal.aborted; run++) {
      await camera.waitForFunction(
        (since: number) =>
          ((window as unknown as { __appearances?: Appearance[] }).__appearances ?? []).some(
            (a) => a.at > since,
          ),
        after,
        { timeout: TIMEOUT_MS },
      );
      const appeared = (await appearances(camera)).find((a) => a.at > after);
      if (!appeared) throw new BenchError('TIMEOUT', `run ${run + 1}: no appearance recorded`);
      const got = await viewer
        .waitForFunction(
          (since: number) =>
            ((window as unknown as { __alerts: Seen[] }).__alerts ?? []).some(
              (a) => a.type === 'person' && a.at > since,
            ),
          appeared.at,
          { timeout: ALERT_WAIT_MS },
        )
        .then(
          () => true,
          () => false,
        );
      // An alert decided after the next appearance belongs to that one: this one was missed.
      const next = (await appearances(camera)).find((a) => a.at > appeared.at);
      const fresh = ((await viewer.evaluate('window.__alerts')) as Seen[]).filter(
        (a) => a.at > appeared.at && (!next || a.at < next.at),
      );
      const person = fresh.find((a) => a.type === 'person');
      // On the camera's own list: tells a camera that never decided from an alert lost on the way.
      const cameraPerson = ((await camera.evaluate('window.__shown')) as Seen[]).find(
        (a) => a.type === 'person' && a.shownAt > appeared.at && (!next || a.shownAt < next.at),
      );
      const motion = fresh.find((a) => a.type === 'motion-start');
      const sample: Sample = {
        appearedAt: appeared.at,
        captured: appeared.captured,
        personMs: got && person ? person.shownAt - appeared.at : null,
        decideMs: got && person ? person.at - appeared.at : null,
        motionStartMs: motion ? motion.shownAt - appeared.at : null,
        cameraPersonMs: cameraPerson ? cameraPerson.shownAt - appeared.at : null,
      };
      samples.push(sample);
      log(
        `alert-latency: run ${run + 1}: person ${ms(sample.personMs)} (decided at ${ms(sample.decideMs)}), motion-start ${ms(sample.motionStartMs)}, on the camera ${ms(sample.cameraPersonMs)}`,
      );
      after = appeared.at;
    }

    const frameTimes = (await camera.evaluate('window.__frameTimes')) as number[];
    const gaps = frameTimes.slice(1).map((t, i) => t - (frameTimes[i] ?? t));
    const pick = (f: (s: Sample) => number | null) => samples.map(f).filter((x): x is number => x !== null);
    const summary = (xs: number[]) =>
      xs.length ? { n: xs.length, medianMs: round(median(xs), 0), p90Ms: round(p90(xs), 0) } : null;
    const person = summary(pick((s) => s.personMs));
    const result = {
      when: new Date().toISOString(),
      runs,
      targetMs: TARGET_MS,
      appearances: samples.length,
      missed: samples.filter((s) => s.personMs === null).length,
      captureTimes: samples.every((s) => s.captured),
      /** One-minute load average of this 2-core machine before and after the runs. */
      load: [round(loadBefore, 1), round(loadavg()[0] ?? 0, 1)],
      cameraFrameIntervalMs: gaps.length ? round(median(gaps), 1) : null,
      person,
      decision: summary(pick((s) => s.decideMs)),
      delivery: summary(
        pick((s) => (s.personMs !== null && s.decideMs !== null ? s.personMs - s.decideMs : null)),
      ),
      motionStart: summary(pick((s) => s.motionStartMs)),
      samples,
    };
    log(`alert-latency: ${JSON.stringify({ ...result, samples: undefined })}`);
    await writeFile(path.join(RESULTS_DIR, 'alert-latency.json'), JSON.stringify(result, null, 2) + '\n');
    const row = (name: string, s: ReturnType<typeof summary>) =>
      s
        ? `| ${name} | ${s.n} | ${s.medianMs} ms | ${s.p90Ms} ms | ${round(s.medianMs / TARGET_MS, 2)} |`
        : `| ${name} | 0 | – | – | – |`;
    const md = `## Alert latency (person appears to alert at the viewer, loopback)

From the person appearing in the camera's frames to the person alert, JPEG snapshot
reassembled, SHA-256 checked and stored, appearing in the viewer's event list. "Appearing" is
the ${result.captureTimes ? 'capture time' : 'arrival time in the page'} of the first camera frame in which the person is visible, found
without the app's detection: the camera plays \`person-at-door.mjpeg\`'s empty frames ${EMPTY_REPEATS} times
(a calm scene, the motion gate closed) and then the person walking in from frame ${FIRST_PERSON_FRAME}; a watcher in
the camera page compares every frame with the empty frame 0 (\`bench/detection/appearance-watch.ts\`).
Each loop of the clip is one appearance. Camera and viewer are separate headless Chromium processes
on this machine (same clock), through our relay, sealed end to end. The fake camera delivers
30 frames a second, but the watcher saw one every ${result.cameraFrameIntervalMs ?? '?'} ms (median) under this
load, so it may see the first visible frame late and these figures may be short by up to that much.
One-minute load average ${result.load.join(' to ')} on 2 cores (other work running). \`npm run bench -- --only alert-latency\`, ${result.when}.
Ratio is against the issue's target of ${TARGET_MS} ms.

| from the person appearing to                 | alerts | median | p90 | median / target |
| --- | --- | --- | --- | --- |
${row('person alert shown at the viewer', result.person)}
${row('the camera deciding "person" (event `at`)', result.decision)}
${row('motion-start alert shown at the viewer', result.motionStart)}

Decision to viewer (delivery alone): ${result.delivery ? `median ${result.delivery.medianMs} ms, p90 ${result.delivery.p90Ms} ms` : '–'}.
${result.missed} of ${result.appearances} appearances raised no person alert within ${ALERT_WAIT_MS / 1000} s.`;
    const doc = await readFile(BENCHMARKS_MD, 'utf8');
    await writeFile(BENCHMARKS_MD, replaceSection(doc, 'alert-latency', md));
  },
};
