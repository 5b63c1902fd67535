/** One clip inbox per page (clips arrive on whatever route is open). */
import type { Device } from '../device.ts';
import { ClipInbox } from './inbox.ts';

const inboxes = new WeakMap<Device, ClipInbox>();

export function clipInbox(device: Device): ClipInbox {
  let inbox = inboxes.get(device);
  if (!inbox) inboxes.set(device, (inbox = new ClipInbox(device.messenger, device.db)));
  return inbox;
}
