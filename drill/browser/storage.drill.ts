/**
 * The storage drill (issue 18, point 4): seeded random storage faults on either side of a
 * paired camera and viewer, in real Chromium with real IndexedDB and a real relay.
 *
 *   quota    the origin's quota shrunk to what it uses (CDP `Storage.overrideQuotaForOrigin`),
 *            then a settings change made in the page: `storage-full` must say what was not saved
 *   blocked  either another tab holding the database at an older version while the app opens it
 *            (`storage-blocked`, then the app starts by itself when that tab lets go), or another
 *            tab asking for a newer version (the app lets go at once: `storage-closed`, then reload)
 *   damaged  a record broken with raw IndexedDB in a store the page reads (`storage-damaged`
 *            must list it by key after a reload)
 *
 * After every fault: the page works again (the pairing is there), and every record stored
 * before the fault is still stored (read back with raw IndexedDB). At the end the viewer
 * watches the camera live. Figures: faults per kind and side, messages shown, records lost,
 * uncaught page errors; a missed target is a problem.
 */
import { expect, type Page } from '@playwright/test';
import { test } from '../../tests/e2e/support/fixtures.ts';
import { gotoRoute, type Device } from '../../tests/e2e/support/devices.ts';
import { newestViewerId, pairByCode, viewerRow } from '../../tests/e2e/support/pairing.ts';
import { expectError } from '../../tests/e2e/support/ui.ts';
import { cameraTile, watch } from '../../tests/e2e/support/watch.ts';
import { OriginQuota } from '../../tests/e2e/support/clips.ts';
import {
  expectDamagedListed,
  holdOlderVersion,
  lostRecords,
  requestNewerVersion,
  snapshotDb,
  writeRaw,
} from '../../tests/e2e/support/storage-faults.ts';
import { SeededRandom } from '../lib/random.ts';
import type { DrillOutcome, Figure } from '../lib/drill.ts';
import { drillOptions, writeDrillResult } from './support/result.ts';
import { chooseDamage, type Side } from './support/damage.ts';

const KINDS = ['quota', 'blocked', 'damaged'] as const;
type Kind = (typeof KINDS)[number];

const FAULTS = drillOptions.short ? 10 : 50;

interface Tally {
  faults: Record<Kind, number>;
  bySide: Record<Side, number>;
  blockedHow: { 'older-tab': number; 'newer-tab': number };
  damagedHow: Record<string, number>;
  messages: Record<string, number>;
  recordsLost: number;
  faultsFailed: number;
}

test('storage drill', async ({ relay, devices }) => {
  test.setTimeout(drillOptions.short ? 900_000 : 3_600_000);
  const rnd = new SeededRandom(drillOptions.seed);
  const problems: string[] = [];
  const tally: Tally = {
    faults: { quota: 0, blocked: 0, damaged: 0 },
    bySide: { camera: 0, viewer: 0 },
    blockedHow: { 'older-tab': 0, 'newer-tab': 0 },
    damagedHow: {},
    messages: {},
    recordsLost: 0,
    faultsFailed: 0,
  };
  const started = performance.now();

  // A camera with nothing moving in front of it: no clips come and go to blur "nothing lost".
  const camera = await devices.openCamera(relay, 'empty-porch');
  const viewer = await devices.openViewer(relay);
  const cameraId = await pairByCode(camera, viewer);
  const viewerId = await newestViewerId(camera);
  const side: Record<Side, Device> = { camera, viewer };
  // Uncaught errors and unhandled rejections in any page of either device (the second tabs too).
  const pageErrors: string[] = [];
  for (const d of [camera, viewer])
    d.context.on('weberror', (e) => pageErrors.push(`${d.name}: ${e.error().message}`));

  const route: Record<Side, string> = { camera: '#/camera', viewer: '#/viewer' };
  /** The page works: its side of the pairing is listed. */
  const ready = async (s: Side): Promise<void> => {
    if (s === 'camera') await expect(viewerRow(camera, viewerId)).toBeVisible();
    else await expect(cameraTile(viewer.page, cameraId)).toBeVisible();
  };
  const shown = (code: string): void => void (tally.messages[code] = (tally.messages[code] ?? 0) + 1);
  const firstSnapshot = { camera: await snapshotDb(camera.page), viewer: await snapshotDb(viewer.page) };

  /** A settings change made in the page, which a full disk refuses; resolves to the setting's place. */
  const changeSetting = async (s: Side, page: Page): Promise<string> => {
    if (s === 'camera') {
      const sound = page.getByTestId('connect-sound');
      const was = await sound.isChecked();
      await sound.click();
      await expectError(page, 'storage-full');
      // Not saved, so the box goes back.
      await expect(sound).toBeChecked({ checked: was });
      return 'settings/connectSound';
    }
    const days = page.getByTestId('retention-days');
    const was = await days.inputValue();
    await days.fill(String(Number(was) + rnd.int(1, 9)));
    await days.press('Tab');
    await expectError(page, 'storage-full');
    await expect(days).toHaveValue(was);
    return 'settings/retention';
  };

  const faults: Record<Kind, (s: Side, n: number) => Promise<void>> = {
    quota: async (s) => {
      const page = side[s].page;
      const quota = await OriginQuota.attach(page);
      try {
        await quota.set((await quota.estimate()).usage);
        await quota.waitEnforced(1024);
        const place = await changeSetting(s, page);
        await expect(page.getByTestId('storage-write-failed')).toHaveAttribute(
          'data-places',
          new RegExp(place.replace('/', '\\/')),
        );
        shown('storage-full');
      } finally {
        await quota.clear();
        await quota.detach();
      }
      await page.getByTestId('storage-write-failed').getByTestId('error-dismiss').click();
    },
    blocked: async (s) => {
      const d = side[s];
      if (rnd.next() < 0.5) {
        tally.blockedHow['older-tab']++;
        const held = await holdOlderVersion(d, relay.url);
        await gotoRoute(d, relay, route[s]);
        await expectError(d.page, 'storage-blocked');
        shown('storage-blocked');
        await held.release();
      } else {
        tally.blockedHow['newer-tab']++;
        const { blocked } = await requestNewerVersion(d, relay.url);
        if (blocked) throw new Error('the app tab did not let go of the database on versionchange');
        await expectError(d.page, 'storage-closed');
        shown('storage-closed');
        await d.page.getByRole('button', { name: 'Retry' }).click();
      }
    },
    damaged: async (s, n) => {
      const d = side[s];
      const damage = chooseDamage(rnd, s, n);
      tally.damagedHow[damage.how] = (tally.damagedHow[damage.how] ?? 0) + 1;
      const key = await writeRaw(d.page, damage.write);
      await d.page.reload();
      await expectDamagedListed(d.page, damage.place, key);
      await expectError(d.page, 'storage-damaged');
      shown('storage-damaged');
    },
  };

  for (let n = 0; n < FAULTS; n++) {
    const kind = rnd.pick(KINDS);
    const s = rnd.pick(['camera', 'viewer'] as const);
    tally.faults[kind]++;
    tally.bySide[s]++;
    const d = side[s];
    // What was stored before the fault (a damaged record written by the fault itself is not in it).
    const before = await snapshotDb(d.page);
    try {
      await faults[kind](s, n);
      await ready(s);
    } catch (e) {
      tally.faultsFailed++;
      problems.push(`fault ${n} (${kind} on the ${s}): ${e instanceof Error ? e.message.split('\n')[0] : e}`);
      // Start the next fault from a working page.
      await gotoRoute(d, relay, route[s]).catch(() => undefined);
    }
    const lost = lostRecords(before, await snapshotDb(d.page));
    tally.recordsLost += lost.length;
    if (lost.length > 0) problems.push(`fault ${n} (${kind} on the ${s}) lost ${lost.join(', ')}`);
  }

  // After everything: nothing stored at the start is gone, and the pairing still works end to end.
  for (const s of ['camera', 'viewer'] as const) {
    const lost = lostRecords(firstSnapshot[s], await snapshotDb(side[s].page));
    if (lost.length > 0) problems.push(`the ${s} lost, over the whole drill: ${lost.join(', ')}`);
  }
  let watchedAfter = true;
  try {
    await gotoRoute(camera, relay, route.camera);
    await ready('camera');
    await gotoRoute(viewer, relay, route.viewer);
    await watch(viewer, cameraId);
  } catch (e) {
    watchedAfter = false;
    problems.push(
      `the viewer could not watch the camera after the drill: ${e instanceof Error ? e.message.split('\n')[0] : e}`,
    );
  }
  if (pageErrors.length > 0)
    problems.push(`${pageErrors.length} uncaught page error(s), first: ${pageErrors[0]}`);

  const messagesShown = Object.values(tally.messages).reduce((a, b) => a + b, 0);
  const figures: Record<string, Figure> = {
    faults: FAULTS,
    faultsByKind: tally.faults,
    faultsBySide: tally.bySide,
    blockedHow: tally.blockedHow,
    damagedHow: tally.damagedHow,
    messagesShown: tally.messages,
    messagesMissed: FAULTS - messagesShown,
    recordsLost: tally.recordsLost,
    pageErrors: pageErrors.length,
    faultsFailed: tally.faultsFailed,
    watchedAfter,
    seconds: Math.round((performance.now() - started) / 1000),
  };
  const outcome: DrillOutcome = {
    figures,
    problems,
    summary: [
      `| what | figure | target |`,
      `| --- | --- | --- |`,
      `| faults injected (quota / blocked upgrade / damaged record) | ${tally.faults.quota} / ${tally.faults.blocked} / ${tally.faults.damaged} | ${FAULTS} in all |`,
      `| faults on the camera / the viewer | ${tally.bySide.camera} / ${tally.bySide.viewer} | both sides |`,
      `| blocked upgrades: older tab holding on / newer tab asking | ${tally.blockedHow['older-tab']} / ${tally.blockedHow['newer-tab']} | |`,
      `| messages shown (${Object.entries(tally.messages)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}) | ${messagesShown} | one per fault |`,
      `| records lost | ${tally.recordsLost} | 0 |`,
      `| uncaught page errors | ${pageErrors.length} | 0 |`,
      `| viewer watches the camera afterwards | ${watchedAfter ? 'yes' : 'no'} | yes |`,
      `| time | ${figures.seconds} s | |`,
    ],
  };
  writeDrillResult(outcome);
});
