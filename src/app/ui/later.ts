/**
 * What the app fetches once its first screen is drawn (issue 16), in one chunk: the
 * always-on receivers other than the ring's, and the panels that show what they hold.
 * Each receiver claims its kinds of message from the messenger (`Messenger.claim`), which
 * holds those that arrive before this chunk does; rings do not wait for it (`ringReceiver`
 * starts with the app).
 */
import type { Device } from '../device.ts';
import { alertReceiver } from '../alerts/service.ts';
import { messageInbox } from '../doorbell/inbox.ts';
import { clipInbox } from '../history/service.ts';
import { doorReports } from '../door-lock/viewer-reports.ts';
import { healthMonitor } from '../health/viewer-health.ts';
import { viewerPush } from '../push/viewer-push.ts';

export { AccessLogView } from './panels/AccessLogView.tsx';
export { AlertSettings } from './panels/AlertSettings.tsx';
export { CameraHealthBadge, CameraHealthDetails } from './panels/CameraHealthBadge.tsx';
export { EventList } from './panels/EventList.tsx';
export { PushOffer, PushSettings } from './panels/PushSettings.tsx';
export { VisitorMessages } from './panels/VisitorMessages.tsx';

/** Starts the receivers on every route (each is one per page, so a second call changes nothing). */
export function startReceivers(device: Device): void {
  // Alerts from paired cameras are received (and kept) on every route, not just where they are listed.
  alertReceiver(device);
  messageInbox(device);
  // Event clips (issue 7) are collected from the cameras on every route too.
  clipInbox(device);
  // What paired door stations report about their lock (issue 12): PIN attempts reach the owner anywhere.
  doorReports(device);
  // Camera health (issue 15): reports kept, warnings raised, silence noticed.
  healthMonitor(device);
  // Web Push (issue 13): keep the cameras told of this device's subscription.
  viewerPush(device);
}
