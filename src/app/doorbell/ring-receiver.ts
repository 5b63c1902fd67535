/**
 * Viewer side of the doorbell: rings from paired cameras, their snapshots
 * (reassembled and verified by the alerts' `AlertAssembler`, from the same
 * `alert-chunk` frames), and what became of each ring (`viewer-ring.ts`).
 * Answering and declining go back to the door sealed; all of it is logged.
 */
import type { SessionMessage } from '../../shared/session.ts';
import type { AccessLog } from '../access-log.ts';
import { AlertAssembler } from '../alerts/assembler.ts';
import { getSetting, setSetting, type Db, type MissedRing, type PairedPeer } from '../db.ts';
import type { Messenger } from '../messenger.ts';
import { markPhase } from '../rtc/peer-link.ts';
import { Emitter } from '../util/emitter.ts';
import { RING_ALERT_MS, ringReducer, type RingCard, type RingEvent } from './viewer-ring.ts';

export interface Ring extends RingCard {
  cameraName: string;
  snapshot: Blob | null;
}

/** Rings kept in memory for the alert (newest last). */
const MAX_RINGS = 10;

/** Missed rings kept (with snapshots of tens of KB each). */
const MAX_MISSED = 50;

export class RingReceiver extends Emitter<{
  rings: [Ring[]];
  ring: [Ring];
  /** A ring's snapshot arrived (verified). */
  snapshot: [Ring];
  missed: [MissedRing[]];
}> {
  private missedList: MissedRing[] = [];
  private readonly missedLoaded: Promise<void>;
  private rings: Ring[] = [];
  private readonly assembler = new AlertAssembler({ maxPending: 4 });
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly off: () => void;

  constructor(
    private readonly messenger: Messenger,
    private readonly log: AccessLog,
    private readonly db: Db,
  ) {
    super();
    this.missedLoaded = getSetting(db, 'missedRings')
      .then((m) => {
        this.missedList = m ?? [];
        this.emit('missed', this.missedList);
      })
      .catch(() => undefined);
    this.off = messenger.on('message', (from, msg) => void this.onMessage(from, msg));
  }

  list(): Ring[] {
    return this.rings;
  }

  /** Rings nobody answered here, newest last, kept in IndexedDB with their snapshot. */
  missed(): MissedRing[] {
    return this.missedList;
  }

  private async keepMissed(ring: Ring): Promise<void> {
    await this.missedLoaded;
    const entry: MissedRing = {
      key: key(ring),
      cameraId: ring.cameraId,
      at: ring.at,
      ...(ring.snapshot ? { snapshot: ring.snapshot } : {}),
    };
    this.missedList = [...this.missedList.filter((m) => m.key !== entry.key), entry].slice(-MAX_MISSED);
    this.emit('missed', this.missedList);
    await setSetting(this.db, 'missedRings', this.missedList).catch(() => undefined);
  }

  dispose(): void {
    this.off();
    for (const t of this.timers.values()) clearTimeout(t);
  }

  answer(ring: Ring): void {
    if (!this.update(ring.cameraId, ring.id, { type: 'answer' })) return;
    void this.messenger.send(ring.cameraId, { k: 'ring-answer', id: ring.id });
    void this.log.add({ event: 'ring-answered', deviceId: ring.cameraId, name: ring.cameraName });
  }

  decline(ring: Ring): void {
    if (!this.update(ring.cameraId, ring.id, { type: 'decline' })) return;
    void this.messenger.send(ring.cameraId, { k: 'ring-decline', id: ring.id });
    void this.log.add({ event: 'ring-declined', deviceId: ring.cameraId, name: ring.cameraName });
  }

  /** Hides a ring that no longer rings. */
  dismiss(ring: Ring): void {
    this.rings = this.rings.filter((r) => r !== ring);
    this.emit('rings', this.rings);
  }

  private async onMessage(from: PairedPeer, msg: SessionMessage): Promise<void> {
    if (from.role !== 'camera' || from.unpairing) return;
    switch (msg.k) {
      case 'ring': {
        const receivedAt = Date.now();
        // Pressed while the door had no relay, and over by now: kept as missed, without ringing.
        if (receivedAt - msg.at > RING_ALERT_MS) return this.lateRing(from, msg.id, msg.at, receivedAt);
        if (!this.find(from.deviceId, msg.id)) {
          markPhase('ring-received');
          const ring: Ring = {
            cameraId: from.deviceId,
            cameraName: from.name,
            id: msg.id,
            at: msg.at,
            receivedAt,
            view: 'ringing',
            by: null,
            snapshot: null,
          };
          this.rings = [...this.rings, ring].slice(-MAX_RINGS);
          this.timers.set(
            key(ring),
            setTimeout(() => this.update(ring.cameraId, ring.id, { type: 'timeout' }), RING_ALERT_MS),
          );
          void this.log.add({ event: 'ring', deviceId: from.deviceId, name: from.name });
          this.emit('rings', this.rings);
          this.emit('ring', ring);
        }
        // Said for every ring, also one already here: a ring the door could not send at the
        // time is sent again until each viewer says it has it (`late-rings.ts`).
        void this.messenger.send(from.deviceId, { k: 'ring-seen', id: msg.id });
        return;
      }
      case 'ring-snapshot':
        // The assembler speaks the alert wire format: a ring's snapshot is an alert without boxes.
        this.assembler.header(
          from.deviceId,
          { k: 'alert', id: msg.id, type: 'person', at: 0, boxes: [], snapshot: msg.snapshot },
          Date.now(),
        );
        return;
      case 'alert-chunk': {
        const done = await this.assembler.chunk(from.deviceId, msg);
        const ring = done?.snapshot ? this.find(from.deviceId, msg.id) : undefined;
        if (!ring || !done?.snapshot) return;
        const withSnapshot = { ...ring, snapshot: new Blob([done.snapshot], { type: 'image/jpeg' }) };
        this.replace(ring, withSnapshot);
        this.emit('snapshot', withSnapshot);
        return;
      }
      case 'ring-state':
        this.update(from.deviceId, msg.id, {
          type: 'state',
          state: msg.state,
          byDeviceId: msg.by?.deviceId ?? null,
          byName: msg.by?.name ?? null,
          me: this.messenger.identity.deviceId,
        });
        return;
      default:
        return;
    }
  }

  /** A ring that reaches this device after its time (the door had no relay): a missed ring, once. */
  private async lateRing(from: PairedPeer, id: string, at: number, receivedAt: number): Promise<void> {
    await this.missedLoaded;
    const known =
      this.find(from.deviceId, id) || this.missedList.some((m) => m.key === `${from.deviceId}/${id}`);
    if (!known) {
      const ring: Ring = {
        cameraId: from.deviceId,
        cameraName: from.name,
        id,
        at,
        receivedAt,
        view: 'missed',
        by: null,
        snapshot: null,
      };
      this.rings = [...this.rings, ring].slice(-MAX_RINGS);
      void this.log.add({
        event: 'ring',
        deviceId: from.deviceId,
        name: from.name,
        reason: 'missed: the door had no connection',
      });
      this.emit('rings', this.rings);
      await this.keepMissed(ring);
    }
    void this.messenger.send(from.deviceId, { k: 'ring-seen', id });
  }

  private find(cameraId: string, id: string): Ring | undefined {
    return this.rings.find((r) => r.cameraId === cameraId && r.id === id);
  }

  /** Applies an event to a ring; false if there is no such ring or nothing changed. */
  private update(cameraId: string, id: string, e: RingEvent): boolean {
    const ring = this.find(cameraId, id);
    if (!ring) return false;
    const card = ringReducer(ring, e);
    if (card.view === ring.view && card.by === ring.by) return false;
    if (card.view !== 'ringing') clearTimeout(this.timers.get(key(ring)));
    this.replace(ring, { ...ring, ...card });
    return true;
  }

  private replace(old: Ring, next: Ring): void {
    this.rings = this.rings.map((r) => (r === old ? next : r));
    this.emit('rings', this.rings);
    // A missed ring is kept, and kept again when its snapshot arrives after it was missed.
    if (next.view === 'missed' && (old.view !== 'missed' || old.snapshot !== next.snapshot))
      void this.keepMissed(next);
  }
}

const key = (r: { cameraId: string; id: string }): string => `${r.cameraId}/${r.id}`;
