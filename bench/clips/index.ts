/**
 * `npm run bench -- --only clips` (issue 7):
 *   (a) clip transfer throughput over Doorpeer's clip data channel (frames of 8 chunks with
 *       their SHA-256 on the camera, checked and kept in IndexedDB on the viewer) against a
 *       raw RTCDataChannel between two pages in the same two browsers sending the same
 *       number of bytes in messages of the same size, with the same back-pressure, in the
 *       same run. The clip is the largest allowed (CLIP_LIMITS.maxBytes), random bytes put
 *       in the camera's store of sealed clips (the viewer checks and keeps every chunk and
 *       the whole-clip SHA-256, then cannot open it, after the measured window). Doorpeer's
 *       window: the viewer's `want` over the open channel to the last chunk kept
 *       (`doorpeer:clip-want` .. `doorpeer:clip-complete` marks); raw: "go" to last byte.
 *       The camera films the empty-porch fixture, so no real clip competes.
 *   (b) time from a real clip ending on the camera (its recording stopped after calm,
 *       `doorpeer:clip-ended`; sealing is inside the time) to the clip stored in the viewer's history, playable
 *       (`doorpeer:clip-stored`), for person events of the person-at-door fixture.
 * Loopback, one machine (one clock), built app served by our relay.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import type { Benchmark } from '../lib/benchmark.ts';
import { checkBrowserPrerequisites, launchChromium } from '../lib/chromium.ts';
import { BenchError } from '../lib/errors.ts';
import { replaceSection } from '../lib/markdown-section.ts';
import { pair } from '../lib/pair-devices.ts';
import { BENCHMARKS_MD, FIXTURES_DIR, RESULTS_DIR } from '../lib/paths.ts';
import { startRelay } from '../lib/relay-process.ts';
import { median, p90, ratio, round } from '../lib/stats.ts';
import { CLIP_LIMITS } from '../../src/shared/history-messages.ts';
import { DB_NAME } from '../../src/app/db.ts';
import {
  INJECT_CLIP,
  RAW_ACCEPT,
  RAW_ANSWER,
  RAW_CLOSE,
  RAW_FETCH,
  RAW_OFFER,
  RAW_SERVE,
  clipMarks,
} from './pages.ts';

const TIMEOUT_MS = 90_000;
const SIZE = CLIP_LIMITS.maxBytes;
/** The app's frame for a 13-character clip ID: 7 + 13 + 32 header bytes and 8 x 8,000 bytes. */
const FRAME_BYTES = 52 + 8 * CLIP_LIMITS.chunkBytes;
const MIN_LATENCY_SAMPLES = 5;
const TARGET_RATIO = 0.8;

interface Mark {
  id: string;
  t: number;
  detail: Record<string, unknown>;
}

async function marks(page: Page, name: string): Promise<Mark[]> {
  return (await page.evaluate(clipMarks(name))) as Mark[];
}

/** Waits for the page's `doorpeer:clip-<name>` mark of clip `id` (the time is the mark's, not the wait's). */
async function waitMark(page: Page, name: string, id: string): Promise<Mark> {
  await page
    .waitForFunction(
      ([n, i]: [string, string]) =>
        performance
          .getEntriesByName(`doorpeer:clip-${n}`)
          .some((m) => (m as PerformanceMark).detail?.id === i),
      [name, id] as [string, string],
      { timeout: TIMEOUT_MS },
    )
    .catch((err: unknown) => {
      throw new BenchError('TIMEOUT', `no doorpeer:clip-${name} for ${id}`, { cause: err });
    });
  const found = (await marks(page, name)).find((m) => m.id === id);
  if (!found) throw new BenchError('PAGE_FAILED', `doorpeer:clip-${name} for ${id} vanished`);
  return found;
}

async function pairedPages(
  cleanup: Parameters<Benchmark['run']>[0]['cleanup'],
  url: string,
  label: string,
  video?: string,
): Promise<{ browsers: Browser[]; camera: Page; viewer: Page; viewerId: string }> {
  const cb = await launchChromium(cleanup, `${label} camera`, video ? { video } : {});
  const vb = await launchChromium(cleanup, `${label} viewer`);
  const camera = await cb.newPage();
  const viewer = await vb.newPage();
  await camera.goto(`${url}/#/camera`);
  await viewer.goto(`${url}/#/viewer`);
  await pair(camera, viewer, TIMEOUT_MS);
  const viewerId = await camera.getByTestId('paired-viewer').first().getAttribute('data-device-id');
  if (!viewerId) throw new BenchError('PAIRING_FAILED', 'no paired-viewer on the camera');
  return { browsers: [cb, vb], camera, viewer, viewerId };
}

async function online(page: Page): Promise<void> {
  await page.locator('[data-testid="relay-state"][data-state="online"]').waitFor({ timeout: TIMEOUT_MS });
}

/** One Doorpeer transfer of a fresh max-size clip; ms from the channel `want` to the last chunk kept. */
async function doorpeerTransfer(camera: Page, viewer: Page, viewerId: string): Promise<number> {
  const fn = `(${INJECT_CLIP})(${JSON.stringify({ dbName: DB_NAME, viewerId, size: SIZE })})`;
  const id = (await camera.evaluate(fn)) as string;
  // The camera reads its sealed clips at start; the viewer opens a fresh clip link on its pull.
  await camera.reload();
  await online(camera);
  await viewer.reload();
  const done = await waitMark(viewer, 'complete', id);
  const wants = (await marks(viewer, 'want')).filter((m) => m.id === id);
  const want = wants[0];
  if (!want || wants.some((m) => m.detail['via'] !== 'sent'))
    throw new BenchError(
      'PAGE_FAILED',
      `clip ${id} did not go over the data channel alone: ${JSON.stringify(wants)}`,
    );
  return done.t - want.t;
}

/** One raw transfer of SIZE bytes between fresh pages in the same two browsers. */
async function rawTransfer(cameraBrowser: Browser, viewerBrowser: Browser): Promise<number> {
  const a = await cameraBrowser.newPage();
  const b = await viewerBrowser.newPage();
  try {
    const offer = (await a.evaluate(RAW_OFFER)) as string;
    const answer = (await b.evaluate(`(${RAW_ANSWER})(${JSON.stringify(offer)})`)) as string;
    await a.evaluate(`(${RAW_ACCEPT})(${JSON.stringify(answer)})`);
    await a.evaluate(`(${RAW_SERVE})(${JSON.stringify({ size: SIZE, frameBytes: FRAME_BYTES })})`);
    return (await b.evaluate(`(${RAW_FETCH})(${SIZE})`)) as number;
  } finally {
    await Promise.all([a.evaluate(RAW_CLOSE), b.evaluate(RAW_CLOSE)]).catch(() => undefined);
    await Promise.all([a.close(), b.close()]);
  }
}

/** Real person clips: ended on the camera (recording stopped) to stored at the viewer, ms. */
async function eventToPlayable(camera: Page, viewer: Page, n: number, log: (m: string) => void) {
  const out: number[] = [];
  const seen = new Set<string>();
  await camera.reload();
  while (out.length < n) {
    // The next person event's clip, ended and sealed on the camera (a clip takes tens of seconds).
    await camera
      .waitForFunction(
        (known: string[]) =>
          performance
            .getEntriesByName('doorpeer:clip-ended')
            .some((m) => !known.includes((m as PerformanceMark).detail?.id as string)),
        [...seen],
        { timeout: 180_000, polling: 250 },
      )
      .catch((err: unknown) => {
        throw new BenchError('TIMEOUT', `only ${out.length} of ${n} clips were made`, { cause: err });
      });
    const ended = (await marks(camera, 'ended')).find((m) => !seen.has(m.id));
    if (!ended) continue;
    seen.add(ended.id);
    const stored = await waitMark(viewer, 'stored', ended.id);
    // The fixture's person hardly leaves the frame: a reload restarts detection, so the
    // person "walks in" again and the next clip comes (the marks of this page are kept above).
    await camera.reload();
    seen.clear();
    out.push(stored.t - ended.t);
    log(`clips: clip ${ended.id} playable ${round(stored.t - ended.t, 1)} ms after it ended`);
  }
  return out;
}

const stats = (xs: number[]) =>
  xs.length ? { n: xs.length, medianMs: round(median(xs), 1), p90Ms: round(p90(xs), 1) } : null;
const mbps = (ms: number | null) => (ms === null ? null : round(SIZE / 1e6 / (ms / 1000), 2));

export const clips: Benchmark = {
  name: 'clips',
  summary: 'clip transfer over the data channel vs a raw RTCDataChannel; event end to clip playable',
  async run({ runs, cleanup, signal, log }) {
    await checkBrowserPrerequisites();
    const relay = await startRelay(cleanup, signal);

    // (a) throughput, camera on the empty porch (no events)
    const a = await pairedPages(
      cleanup,
      relay.url,
      'throughput',
      path.join(FIXTURES_DIR, 'empty-porch.mjpeg'),
    );
    const doorpeerMs: number[] = [];
    const rawMs: number[] = [];
    // One untimed run of each first (page caches, compilation, IndexedDB files).
    await doorpeerTransfer(a.camera, a.viewer, a.viewerId);
    await rawTransfer(a.browsers[0]!, a.browsers[1]!);
    for (let i = 0; i < runs; i++) {
      signal.throwIfAborted();
      doorpeerMs.push(await doorpeerTransfer(a.camera, a.viewer, a.viewerId));
      rawMs.push(await rawTransfer(a.browsers[0]!, a.browsers[1]!));
      log(`clips: run ${i + 1}: doorpeer ${round(doorpeerMs[i]!, 1)} ms, raw ${round(rawMs[i]!, 1)} ms`);
    }
    await Promise.all(a.browsers.map((b) => b.close()));

    // (b) event end to playable, person at the door
    const b = await pairedPages(cleanup, relay.url, 'latency');
    const n = Math.max(MIN_LATENCY_SAMPLES, Math.ceil(runs / 2));
    const latency = await eventToPlayable(b.camera, b.viewer, n, log);

    const d = stats(doorpeerMs);
    const r = stats(rawMs);
    const result = {
      when: new Date().toISOString(),
      clipBytes: SIZE,
      frameBytes: FRAME_BYTES,
      targetRatio: TARGET_RATIO,
      throughput: {
        doorpeer: d && { ...d, mbPerS: mbps(d.medianMs) },
        raw: r && { ...r, mbPerS: mbps(r.medianMs) },
        // Throughput ratio = raw time / Doorpeer time.
        ratio: ratio(r?.medianMs ?? null, d?.medianMs ?? null),
      },
      eventToPlayable: stats(latency),
      raw: {
        doorpeerMs: doorpeerMs.map((x) => round(x, 1)),
        rawMs: rawMs.map((x) => round(x, 1)),
        eventToPlayableMs: latency.map((x) => round(x, 1)),
      },
    };
    const rt = result.throughput.ratio === null ? null : round(result.throughput.ratio, 2);
    log(`clips: ${JSON.stringify({ ...result, raw: undefined })}`);
    await writeFile(path.join(RESULTS_DIR, 'clips.json'), JSON.stringify(result, null, 2) + '\n');
    const e = result.eventToPlayable;
    const body = `## Clips: transfer over the data channel, and event end to playable (loopback)

\`npm run bench -- --only clips --runs ${runs}\`, ${result.when}. Camera and viewer are separate headless
Chromium processes on this machine, paired through our relay.

- **Throughput**: a ${(SIZE / 1e6).toFixed(1)} MB sealed clip (the largest allowed) from the camera to the
  viewer over Doorpeer's clip data channel: frames of 8 chunks, each frame hashed on the camera,
  checked and kept in IndexedDB on the viewer; timed from the viewer's \`want\` to the last chunk
  kept. Baseline: a raw RTCDataChannel between two fresh pages in the same two browsers sending
  the same bytes in messages of the same size (${FRAME_BYTES} B) with the same back-pressure,
  in the same run, alternating with Doorpeer. Target: at least ${TARGET_RATIO}x the raw throughput.
- **Event end to playable**: real person clips from the fixture video (the camera page reloads
  after each one, so that the person walks in again); from the clip's recording stopping on the
  camera (the event calmed down), through sealing and storing it there,
  to the opened clip stored in the viewer's history (header over the relay, a new clip data
  channel set up, transfer, whole-clip SHA-256, opening, storing).

| what | n | median | p90 | throughput | ratio |
| --- | --- | --- | --- | --- | --- |
| Doorpeer clip channel | ${d?.n ?? 0} | ${d?.medianMs ?? '–'} ms | ${d?.p90Ms ?? '–'} ms | ${result.throughput.doorpeer?.mbPerS ?? '–'} MB/s | ${rt ?? '–'}x raw (target ${TARGET_RATIO}x) |
| raw RTCDataChannel | ${r?.n ?? 0} | ${r?.medianMs ?? '–'} ms | ${r?.p90Ms ?? '–'} ms | ${result.throughput.raw?.mbPerS ?? '–'} MB/s | baseline |
| clip ended on the camera to playable at the viewer | ${e?.n ?? 0} | ${e?.medianMs ?? '–'} ms | ${e?.p90Ms ?? '–'} ms | – | – |`;
    const doc = await readFile(BENCHMARKS_MD, 'utf8');
    await writeFile(BENCHMARKS_MD, replaceSection(doc, 'clips', body));
  },
};
