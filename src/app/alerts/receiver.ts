/**
 * Viewer side: takes `alert` and `alert-chunk` messages from paired cameras,
 * reassembles and verifies the snapshot (`assembler.ts`), keeps the event in
 * IndexedDB and announces it. Messages from anything but a paired camera are
 * ignored: the Messenger has already refused unpaired senders.
 */
import type { SessionMessage } from '../../shared/session.ts';
import { addEvent, type Db, type PairedPeer, type StoredAlert } from '../db.ts';
import type { Messenger } from '../messenger.ts';
import { Emitter } from '../util/emitter.ts';
import { AlertAssembler, type AssembledAlert } from './assembler.ts';

type ReceiverEvents = {
  /** A new alert is stored. */
  event: [StoredAlert];
};

export class AlertReceiver extends Emitter<ReceiverEvents> {
  private readonly assembler = new AlertAssembler();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly off: () => void;

  constructor(
    messenger: Messenger,
    private readonly db: Db,
  ) {
    super();
    // Claimed: this receiver loads after the first screen, and gets what came before it (issue 16).
    this.off = messenger.claim(['alert', 'alert-chunk'], (from, msg) => void this.onMessage(from, msg));
  }

  dispose(): void {
    this.off();
    clearTimeout(this.timer);
  }

  private async onMessage(from: PairedPeer, msg: SessionMessage): Promise<void> {
    if (from.role !== 'camera' || from.unpairing) return;
    if (msg.k === 'alert') {
      for (const done of this.assembler.header(from.deviceId, msg, Date.now())) await this.store(done);
      this.armExpiry();
    } else if (msg.k === 'alert-chunk') {
      const done = await this.assembler.chunk(from.deviceId, msg);
      if (done) await this.store(done);
    }
  }

  private armExpiry(): void {
    clearTimeout(this.timer);
    const next = this.assembler.nextDeadline();
    if (next === null) return;
    this.timer = setTimeout(
      () => {
        for (const done of this.assembler.expire(Date.now())) void this.store(done);
        this.armExpiry();
      },
      Math.max(0, next - Date.now()),
    );
  }

  private async store(a: AssembledAlert): Promise<void> {
    const event: StoredAlert = {
      key: `${a.from}/${a.id}`,
      cameraId: a.from,
      type: a.type,
      at: a.at,
      receivedAt: Date.now(),
      boxes: a.boxes,
      ...(a.snapshot ? { snapshot: new Blob([a.snapshot], { type: 'image/jpeg' }) } : {}),
      ...(a.problem ? { snapshotProblem: a.problem } : {}),
    };
    try {
      if (!(await addEvent(this.db, event))) return;
    } catch {
      // Storage full or unavailable: still show it now, it just will not be kept.
    }
    this.emit('event', event);
  }
}
