/**
 * A click on a notification. Push notifications (`data.doorpeer === 'push'`)
 * follow `clickPlan` (`shared/push-payload.ts`): an open app window gets the
 * action (it answers, declines or navigates) and is focused; with none, the app
 * opens at the right place. Ring notifications shown by an open page (issue 5)
 * hand Answer / Decline to that page as before.
 */
import { clickPlan, type PushNotificationData } from '../shared/push-payload.ts';
import type { SwGlobal, SwWindowClient } from './sw-types.ts';

interface PageRingData {
  cameraId: string;
  ring: string;
}

function isPushData(data: unknown): data is PushNotificationData {
  return typeof data === 'object' && data !== null && (data as { doorpeer?: unknown }).doorpeer === 'push';
}

function isPageRing(data: unknown): data is PageRingData {
  const d = data as Partial<PageRingData> | null;
  return typeof d?.ring === 'string' && typeof d.cameraId === 'string';
}

async function appWindow(sw: SwGlobal): Promise<SwWindowClient | undefined> {
  const windows = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
  return windows.find((w) => w.focused) ?? windows.find((w) => w.visibilityState === 'visible') ?? windows[0];
}

/** Focusing needs the click's user activation; without it (a test calling this directly) it is skipped. */
async function focus(w: SwWindowClient): Promise<void> {
  await w.focus().catch(() => undefined);
}

export async function onNotificationClick(sw: SwGlobal, data: unknown, action: string): Promise<void> {
  const page = await appWindow(sw);
  if (isPushData(data)) {
    const plan = clickPlan(data, action);
    if (page && plan.message) {
      page.postMessage(plan.message);
      if (plan.message.action !== 'decline') await focus(page);
    } else if (plan.open) {
      await sw.clients.openWindow(plan.open);
    }
    return;
  }
  if (!isPageRing(data)) return;
  const act = action === 'answer' || action === 'decline' ? action : 'open';
  if (page) {
    page.postMessage({ doorpeer: 'ring-action', action: act, cameraId: data.cameraId, ring: data.ring });
    if (act !== 'decline') await focus(page);
  } else if (act !== 'decline') {
    await sw.clients.openWindow('/#/viewer');
  }
}
