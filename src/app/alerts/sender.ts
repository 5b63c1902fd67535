/**
 * Camera side: sends each detection event, sealed, to every paired viewer
 * that may watch (a viewer without `watch` never gets a snapshot). Events go
 * out one after another; all their frames share one pacer (see `pacer.ts`).
 * Permission is checked again before every frame, so revoking `watch` or
 * unpairing stops a snapshot half-way; a viewer the relay reports offline
 * gets no more frames of that alert (the relay keeps nothing for later).
 */
import type { SessionMessage } from '../../shared/session.ts';
import type { DetectionEvent } from '../detection/types.ts';
import type { Messenger } from '../messenger.ts';
import { randomId } from '../util/emitter.ts';
import { alertMessages } from './chunks.ts';
import { Pacer } from './pacer.ts';
import { fitSnapshot } from './snapshot.ts';

/** Frames per second and burst for alerts: well inside the relay's default 30/s, burst 60. */
export const ALERT_RATE = { perSec: 20, burst: 30 } as const;
/** Events waiting to be sent; beyond this the newest is dropped (the camera is far behind). */
const MAX_QUEUED = 8;

export class AlertSender {
  private readonly pacer = new Pacer(ALERT_RATE.perSec, ALERT_RATE.burst);
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;
  private readonly offline = new Set<string>();
  private readonly ctl = new AbortController();
  private readonly offOffline: () => void;

  constructor(private readonly messenger: Messenger) {
    this.offOffline = messenger.on('offline', (id) => this.offline.add(id));
  }

  /** Queues the event; resolves when it has been handed to the relay for every viewer. */
  send(event: DetectionEvent): Promise<void> {
    if (this.queued >= MAX_QUEUED || this.ctl.signal.aborted) return Promise.resolve();
    this.queued++;
    const run = async (): Promise<void> => {
      try {
        await this.deliver(event);
      } catch {
        // Aborted (the camera page closed) or the snapshot could not be read: nothing to tell anyone.
      } finally {
        this.queued--;
      }
    };
    this.queue = this.queue.then(run);
    return this.queue;
  }

  dispose(): void {
    this.ctl.abort();
    this.offOffline();
  }

  private mayReceive(viewerId: string): boolean {
    const p = this.messenger.peers.get(viewerId);
    return !!p && p.role === 'viewer' && !p.unpairing && p.permissions.watch && !this.offline.has(viewerId);
  }

  private async deliver(event: DetectionEvent): Promise<void> {
    const jpeg = event.snapshot ? await fitSnapshot(event.snapshot) : null;
    const { header, chunks } = await alertMessages(randomId(12), event, jpeg);
    const frames: SessionMessage[] = [header, ...chunks];
    this.offline.clear();
    let targets = this.messenger.peers
      .list()
      .filter((p) => p.role === 'viewer' && p.permissions.watch)
      .map((p) => p.deviceId);
    // Frame by frame, round-robin over the viewers, so they all get the alert at about the same time.
    for (const frame of frames) {
      targets = targets.filter((id) => this.mayReceive(id));
      for (const id of targets) {
        await this.pacer.take(this.ctl.signal);
        if (this.mayReceive(id)) void this.messenger.send(id, frame);
      }
    }
  }
}
