/**
 * One contender's window: waits for frames to reach the viewer, lets the
 * stream settle, checks that both pages agree on the time, then reads both
 * pages' logs and RTP counters around a window of `windowMs`.
 */
import os from 'node:os';
import type { Page } from '@playwright/test';
import { BenchError } from '../lib/errors.ts';
import { call } from '../ttff/page-calls.ts';
import type { LiveStream } from './contender.ts';
import type { PaintEntry, RtpTotals, ShowEntry } from './pages/api.ts';
import type { RawWindow } from './report.ts';

export interface WindowOptions {
  warmupMs: number;
  windowMs: number;
  timeoutMs: number;
  signal: AbortSignal;
}

/** Frames painted at the end of the window need this long to reach the viewer before its log is read. */
const TAIL_MS = 2_000;
const CLOCK_PROBES = 9;
const NOW = 'performance.timeOrigin + performance.now()';

/** Waits `ms` of wall time: the window itself, not synchronisation (which waits on page state). */
function hold(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });
}

/**
 * The viewer page's clock minus the camera page's: read camera, viewer, camera
 * in a row and take the probe whose bracket is narrowest. Both are the
 * machine's wall clock, so this should be a fraction of a ms.
 */
async function clockOffset(camera: Page, viewer: Page, timeoutMs: number): Promise<RawWindow['clock']> {
  if (camera === viewer) return { offsetMs: 0, uncertaintyMs: 0 };
  let best: RawWindow['clock'] = { offsetMs: 0, uncertaintyMs: Infinity };
  for (let i = 0; i < CLOCK_PROBES; i++) {
    const t1 = (await call(camera, NOW, timeoutMs)) as number;
    const t2 = (await call(viewer, NOW, timeoutMs)) as number;
    const t3 = (await call(camera, NOW, timeoutMs)) as number;
    const uncertaintyMs = (t3 - t1) / 2;
    if (uncertaintyMs < best.uncertaintyMs) best = { offsetMs: t2 - (t1 + t3) / 2, uncertaintyMs };
  }
  return best;
}

async function rtpTotals(stream: LiveStream, timeoutMs: number): Promise<RtpTotals[]> {
  const read = (page: Page): Promise<RtpTotals[]> =>
    call(page, 'window.glassRtp.totals()', timeoutMs) as Promise<RtpTotals[]>;
  if (stream.camera === stream.viewer) return read(stream.camera);
  // Only what each end does: the camera's sending, the viewer's receiving (not talk-back).
  const sent = (await read(stream.camera)).filter((t) => t.direction === 'out');
  const received = (await read(stream.viewer)).filter((t) => t.direction === 'in');
  return [...sent, ...received];
}

const unreadable = (viewer: Page, timeoutMs: number): Promise<number> =>
  call(viewer, 'window.glassSink.unreadable()', timeoutMs) as Promise<number>;

export async function measureWindow(stream: LiveStream, opts: WindowOptions): Promise<RawWindow> {
  const { camera, viewer } = stream;
  try {
    // A promise in the page rather than `waitForFunction`, whose string predicate the app's CSP refuses to eval.
    await call(viewer, 'window.glassSink.firstRead()', opts.timeoutMs);
  } catch (err) {
    const misses = await unreadable(viewer, opts.timeoutMs).catch(() => 0);
    throw new BenchError(
      'TIMEOUT',
      `no frame code read on the viewer within ${opts.timeoutMs} ms (${misses} frames shown without a readable code)`,
      { cause: err },
    );
  }
  await hold(opts.warmupMs, opts.signal);
  const clock = await clockOffset(camera, viewer, opts.timeoutMs);
  const rtpBefore = await rtpTotals(stream, opts.timeoutMs);
  const unreadableBefore = await unreadable(viewer, opts.timeoutMs);
  const [loadAverage = 0] = os.loadavg();
  const from = (await call(camera, NOW, opts.timeoutMs)) as number;
  await hold(opts.windowMs, opts.signal);
  const to = (await call(camera, NOW, opts.timeoutMs)) as number;
  const rtpAfter = await rtpTotals(stream, opts.timeoutMs);
  const unreadableAfter = await unreadable(viewer, opts.timeoutMs);
  await hold(TAIL_MS, opts.signal);
  return {
    from,
    to,
    paints: (await call(camera, 'window.glassSource.paints()', opts.timeoutMs)) as PaintEntry[],
    shows: (await call(viewer, 'window.glassSink.shows()', opts.timeoutMs)) as ShowEntry[],
    unreadable: unreadableAfter - unreadableBefore,
    rtpBefore,
    rtpAfter,
    clock,
    loadAverage,
  };
}
