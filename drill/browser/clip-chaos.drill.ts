/**
 * Clip chaos (issue 18, point 3): clips exactly once under a seeded campaign of faults.
 * One camera (the person-at-door fixture, short clips every loop of the fixture) and one
 * viewer, paired once, on a real relay with real IndexedDB; then, step by step, the camera page
 * is reloaded (which starts detection afresh, so the fixture's first motion records a clip)
 * and one fault strikes that clip while it is recorded or delivered: the clip data channel cut at a random byte offset, either page
 * reloaded, the relay restarted, the viewer's storage quota lowered until its IndexedDB
 * writes really fail, the camera's storage full, chunks repeated or swapped on the way
 * (test hooks, `src/app/history/channel-faults.ts`). With the faults lifted, every clip the
 * camera kept must be in the viewer's history once, with exactly the bytes that opening the
 * camera's sealed copy gives, or still be held at the camera with a visible reason.
 *
 *   npm run drill -- clip-chaos [--short] [--seed N]
 */
import { expect, test } from '../../tests/e2e/support/fixtures.ts';
import { gotoRoute, type Device } from '../../tests/e2e/support/devices.ts';
import { newestViewerId, pairByCode } from '../../tests/e2e/support/pairing.ts';
import { OriginQuota } from '../../tests/e2e/support/clips.ts';
import { CUT_AFTER_BYTES_KEY, DISORDER_KEY } from '../../src/app/history/channel-faults.ts';
import { ClipLedger, FAULT_KINDS, planFaults, type FaultKind } from '../lib/clip-ledger.ts';
import { SeededRandom } from '../lib/random.ts';
import type { Figure } from '../lib/drill.ts';
import { drillOptions, writeDrillResult } from './support/result.ts';
import {
  cameraHeld,
  sameBytes,
  viewerHistory,
  watchCamera,
  watchViewer,
  type SealedCopy,
} from './support/clip-probes.ts';

const FAULTS = drillOptions.short ? 10 : 100;

/** True once `check` holds, false if it did not within `timeout` ms (polled, never slept on). */
const until = (check: () => Promise<boolean>, timeout: number): Promise<boolean> =>
  expect
    .poll(() => check().catch(() => false), { timeout })
    .toBe(true)
    .then(
      () => true,
      () => false,
    );

const setKey = (d: Device, key: string, value: string | null) =>
  d.page.evaluate(({ k, v }) => (v === null ? localStorage.removeItem(k) : localStorage.setItem(k, v)), {
    k: key,
    v: value,
  });

test('clip chaos: every clip exactly once, byte-identical, under a seeded campaign of faults', async ({
  relay,
  devices,
}) => {
  const started = performance.now();
  const rng = new SeededRandom(drillOptions.seed);
  const plan = planFaults(rng, FAULTS);
  const ledger = new ClipLedger();
  const copies = new Map<string, SealedCopy>();
  const crashes: string[] = [];
  let frozen = false;
  let storedMarks = 0;
  let sealedMarks = 0;
  let evictions = 0;

  const camera = await devices.openCamera(relay);
  const viewer = await devices.openViewer(relay);
  for (const d of [camera, viewer]) d.page.on('crash', () => crashes.push(`the ${d.name} page crashed`));
  const cameraId = await pairByCode(camera, viewer);
  await newestViewerId(camera);
  const idOf = (key: string) => key.slice(cameraId.length + 1);

  const captureCamera = async (): Promise<SealedCopy[]> => {
    const held = await cameraHeld(camera.page, [...copies.keys()]);
    for (const c of held) {
      if (!frozen) ledger.recorded(c.id, c.sha256);
      if (c.body) copies.set(c.id, c);
    }
    return held;
  };
  await watchCamera(camera.page, (id, sha256) => {
    sealedMarks++;
    if (frozen) return;
    ledger.recorded(id, sha256);
    // Copy the sealed bytes at once, before the clip is delivered and deleted.
    void captureCamera().catch(() => undefined);
  });
  await watchViewer(viewer.page, (m) => {
    if (m.kind === 'stored') {
      storedMarks++;
      ledger.stored(m.id);
    } else {
      evictions++;
      for (const key of m.keys) ledger.evicted(idOf(key), m.why);
    }
  });
  const readViewer = async (): Promise<Set<string>> => {
    const { all, fresh } = await viewerHistory(viewer.page, []);
    for (const [key, hash] of Object.entries(fresh)) ledger.seen(idOf(key), hash);
    const inHistory = new Set(all.map(idOf));
    for (const id of ledger.unchecked()) {
      const copy = copies.get(id);
      if (copy && inHistory.has(id))
        ledger.checked(id, (await sameBytes(viewer.page, `${cameraId}/${id}`, copy)) ? 'same' : 'different');
    }
    return inHistory;
  };

  // Short clips, one for each loop of the fixture: 1 s before the motion, 2 s of calm, 5 s at most.
  await gotoRoute(viewer, relay, `#/viewer/live/${cameraId}`);
  await viewer.page.getByTestId('clip-settings').click();
  const editor = viewer.page.getByTestId('clip-settings-editor');
  await expect(editor).toHaveAttribute('data-state', 'saved');
  await editor.getByTestId('clip-preRollMs').fill('1');
  await editor.getByTestId('clip-calmMs').fill('2');
  await editor.getByTestId('clip-maxMs').fill('5');
  // Motion alone records too: the motion gate costs little, where the person detector on a
  // busy machine may take many seconds to confirm (each loop of the fixture is one motion).
  await editor.getByTestId('clip-motion').check();
  await editor.getByTestId('clip-settings-save').click();
  await expect(editor).toHaveAttribute('data-state', 'saved');
  await gotoRoute(viewer, relay, '#/viewer');
  await camera.page.reload();

  const store = camera.page.getByTestId('clip-store');
  const history = viewer.page.getByTestId('history');
  const online = (d: Device) =>
    until(
      async () => (await d.page.getByTestId('relay-state').getAttribute('data-state')) === 'online',
      60_000,
    );
  const quotas = {
    camera: await OriginQuota.attach(camera.page),
    viewer: await OriginQuota.attach(viewer.page),
  };
  const recording = () =>
    until(async () => (await store.getAttribute('data-recorder')) === 'recording', 30_000);
  const counts = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  const missed = { cutNotFired: 0, quotaNotEnforced: 0, noClip: 0, relayStartRetries: 0 };
  let cameraFullShown = 0;
  let viewerFullShown = 0;

  const fillUp = async (which: 'camera' | 'viewer'): Promise<void> => {
    const quota = quotas[which];
    await quota.set((await quota.estimate()).usage + 64 * 1024);
    await quota.waitEnforced().catch(() => void missed.quotaNotEnforced++);
  };
  /** The next clip the camera keeps (its seal mark), or false after `timeout` ms. */
  const sealedSoon = (timeout: number) => {
    const before = sealedMarks;
    return until(async () => sealedMarks > before, timeout);
  };
  const storedSoon = (timeout: number) => {
    const before = storedMarks;
    return until(async () => storedMarks > before, timeout);
  };

  /** Faults set up before the clip: they act when its bytes are written or sent. */
  const arm = async (kind: FaultKind): Promise<void> => {
    if (kind === 'channel-cut') await setKey(camera, CUT_AFTER_BYTES_KEY, String(rng.int(0, 60_000)));
    if (kind === 'repeat-chunks') await setKey(camera, DISORDER_KEY, 'repeat');
    if (kind === 'swap-chunks') await setKey(camera, DISORDER_KEY, 'swap');
    if (kind === 'viewer-quota') await fillUp('viewer');
    if (kind === 'camera-full') await fillUp('camera');
  };

  /** Faults that strike during the clip: while it is recorded, or (seeded) as it is delivered. */
  const strike = async (kind: FaultKind): Promise<void> => {
    if (kind !== 'camera-reload' && kind !== 'viewer-reload' && kind !== 'relay-restart') return;
    if (rng.next() < 0.5) await sealedSoon(20_000);
    if (kind === 'camera-reload') {
      await captureCamera().catch(() => undefined);
      await camera.page.reload();
      await expect(store).toBeVisible();
    } else if (kind === 'viewer-reload') {
      await readViewer().catch(() => undefined);
      await viewer.page.reload();
      await expect(history).toBeVisible();
    } else {
      await relay.stop();
      // Starting the relay on a loaded machine can outlast the fixture's timeout; that is the
      // drill's harness, not clip delivery, so it is tried again (and counted).
      for (let i = 0; ; i++) {
        try {
          await relay.start();
          break;
        } catch (e) {
          if (i >= 2) throw e;
          missed.relayStartRetries++;
        }
      }
      await online(camera);
      await online(viewer);
    }
  };

  /** Waits (by state) until the fault has acted or the clip went through, then lifts it. */
  const lift = async (kind: FaultKind): Promise<void> => {
    switch (kind) {
      case 'channel-cut': {
        const cutGone = async () =>
          (await camera.page.evaluate((k) => localStorage.getItem(k), CUT_AFTER_BYTES_KEY)) === null;
        if (!(await until(cutGone, 20_000))) {
          missed.cutNotFired++;
          await setKey(camera, CUT_AFTER_BYTES_KEY, null);
        }
        return;
      }
      case 'repeat-chunks':
      case 'swap-chunks':
        await storedSoon(20_000);
        return setKey(camera, DISORDER_KEY, null);
      case 'viewer-quota': {
        const full = viewer.page.locator('[data-error-code="clip-storage-full"]');
        const before = evictions;
        if (await until(async () => (await full.isVisible()) || evictions > before, 20_000)) {
          if (await full.isVisible()) viewerFullShown++;
        }
        return quotas.viewer.clear();
      }
      case 'camera-full':
        if (await until(async () => (await store.getAttribute('data-state')) === 'full', 20_000))
          cameraFullShown++;
        return quotas.camera.clear();
      default:
        return;
    }
  };

  for (const [n, kind] of plan.entries()) {
    const t = performance.now();
    await arm(kind);
    // A fresh camera page starts detection afresh, and the fixture's first motion makes a
    // clip (a camera that runs on sees one long motion, so reloading is what makes clips here).
    await captureCamera().catch(() => undefined);
    await camera.page.reload();
    if (!(await recording())) missed.noClip++;
    await strike(kind);
    await lift(kind);
    counts[kind]++;
    await captureCamera().catch(() => undefined);
    await readViewer().catch(() => undefined);
    console.log(
      `fault ${n + 1}/${plan.length} ${kind} (${((performance.now() - t) / 1000).toFixed(1)} s): ` +
        `${ledger.size} clips recorded, ${storedMarks} stored, camera holds ${await store.getAttribute('data-clips')}`,
    );
  }
  const campaignS = (performance.now() - started) / 1000;

  // Faults lifted; wait (by state) until every clip kept so far has reached the viewer.
  for (const d of [camera]) {
    await setKey(d, CUT_AFTER_BYTES_KEY, null);
    await setKey(d, DISORDER_KEY, null);
  }
  await quotas.camera.clear();
  await quotas.viewer.clear();
  let held = new Map<string, string | null>();
  let inHistory = new Set<string>();
  const settled = await until(async () => {
    const heldNow = await captureCamera();
    inHistory = await readViewer();
    held = new Map(heldNow.map((c) => [c.id, null]));
    return ledger.pending(inHistory).length === 0;
  }, 180_000);
  frozen = true;
  if (!settled) {
    // What is still held must say why, where the owner can see it.
    const reason = await heldReason(camera, viewer);
    held = new Map([...held.keys()].map((id) => [id, reason]));
  }
  const v = ledger.verdict(held, inHistory);
  const durationS = (performance.now() - started) / 1000;
  const pageErrors = devices.all.flatMap((d) => d.log.filter((l) => l.startsWith('pageerror')));

  const figures: Record<string, Figure> = {
    faults: plan.length,
    faultsByKind: counts,
    faultsNotTaking: missed,
    clipsRecorded: v.recorded,
    delivered: v.delivered,
    evictedOnPurpose: v.evicted,
    held: v.held,
    lost: v.lost,
    duplicated: v.duplicated,
    corrupted: v.corrupted,
    byteChecked: v.byteChecked,
    unaccounted: v.unaccounted,
    cameraFullShown,
    viewerFullShown,
    pageErrors: pageErrors.length,
    campaignS: Math.round(campaignS),
    perFaultS: Math.round((campaignS / plan.length) * 10) / 10,
    durationS: Math.round(durationS),
  };
  const byKind = FAULT_KINDS.map((k) => `${k} ${counts[k]}`).join(', ');
  writeDrillResult({
    figures,
    problems: [...crashes, ...v.problems],
    summary: [
      `- Faults injected: ${plan.length} (${byKind}), each while a clip was being recorded or delivered; ` +
        `${missed.cutNotFired} cuts found no transfer to cut, ${missed.quotaNotEnforced} quotas were not enforced in time, ` +
        `${missed.noClip} times no clip started.`,
      `- Clips recorded: ${v.recorded}; delivered: ${v.delivered} (${v.byteChecked} byte-checked against the camera's sealed copy); ` +
        `evicted on purpose by the viewer: ${v.evicted}; held at the camera: ${JSON.stringify(v.held)}.`,
      `- Lost / duplicated / corrupted: **${v.lost} / ${v.duplicated} / ${v.corrupted}** (target 0 / 0 / 0); ` +
        `unaccounted: ${v.unaccounted}.`,
      `- Camera storage full shown ${cameraFullShown} times; viewer storage full shown ${viewerFullShown} times; page errors: ${pageErrors.length}.`,
      `- Campaign ${Math.round(campaignS)} s (${figures.perFaultS} s per fault), ${Math.round(durationS)} s in all.`,
    ],
  });
});

/** Why the camera still holds clips, as the owner sees it on either screen (null: nothing shown). */
async function heldReason(camera: Device, viewer: Device): Promise<string | null> {
  if (await viewer.page.locator('[data-error-code="clip-storage-full"]').isVisible())
    return 'viewer storage full';
  if ((await viewer.page.getByTestId('history').getAttribute('data-clip-link')) === 'refused')
    return 'viewer not allowed';
  for (const d of [camera, viewer])
    if ((await d.page.getByTestId('relay-state').getAttribute('data-state')) !== 'online')
      return `${d.name} offline`;
  return null;
}
