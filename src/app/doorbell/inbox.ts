/**
 * Viewer side of visitor messages: asks each paired door for what it holds
 * whenever the relay is (back) online, reassembles and verifies each sealed
 * clip with the alerts' `AlertAssembler` (size and SHA-256), opens it with this
 * device's key (the door sealed it for the owners: `outbox-seal.ts`), keeps it
 * in IndexedDB and acknowledges it, so the door can forget it.
 */
import type { SessionMessage } from '../../shared/session.ts';
import type { AccessLog } from '../access-log.ts';
import { AlertAssembler } from '../alerts/assembler.ts';
import { getSetting, setSetting, type Db, type PairedPeer, type VisitorMessage } from '../db.ts';
import type { Device } from '../device.ts';
import type { Messenger } from '../messenger.ts';
import { Emitter } from '../util/emitter.ts';
import { openVisitorMessage } from './outbox-seal.ts';

const MAX_KEPT = 30;

type Header = Extract<SessionMessage, { k: 'visitor-message' }>;

export class MessageInbox extends Emitter<{ changed: [VisitorMessage[]] }> {
  private messages: VisitorMessage[] = [];
  private readonly loaded: Promise<void>;
  /** One assembler per message being received; a new header (a retry) starts it over. */
  private readonly receiving = new Map<string, { header: Header; assembler: AlertAssembler }>();
  private readonly unsubs: (() => void)[];

  constructor(
    private readonly messenger: Messenger,
    private readonly db: Db,
    private readonly log: AccessLog,
  ) {
    super();
    this.loaded = getSetting(db, 'visitorMessages')
      .then((m) => {
        this.messages = m ?? [];
        this.emit('changed', this.messages);
      })
      .catch(() => undefined);
    this.unsubs = [
      // Claimed: the inbox loads after the first screen, and gets what came before it (issue 16).
      messenger.claim(
        ['visitor-message', 'visitor-message-chunk'],
        (from, msg) => void this.onMessage(from, msg),
      ),
      messenger.relay.on('state', (s) => s === 'online' && this.pull()),
    ];
    if (messenger.relay.state === 'online') this.pull();
  }

  list(): VisitorMessage[] {
    return this.messages;
  }

  dispose(): void {
    for (const u of this.unsubs) u();
  }

  /** Asks every paired door for messages it still holds for this device. */
  private pull(): void {
    for (const p of this.messenger.peers.list())
      if (p.role === 'camera') void this.messenger.send(p.deviceId, { k: 'messages-pull' });
  }

  private async onMessage(from: PairedPeer, msg: SessionMessage): Promise<void> {
    if (from.role !== 'camera' || from.unpairing) return;
    const key = (id: string) => `${from.deviceId}/${id}`;
    if (msg.k === 'visitor-message') {
      await this.loaded;
      if (this.messages.some((m) => m.key === key(msg.id))) {
        void this.messenger.send(from.deviceId, { k: 'visitor-message-ack', id: msg.id });
        return;
      }
      const assembler = new AlertAssembler({ maxPending: 1, timeoutMs: 120_000 });
      const { size, chunks, sha256 } = msg;
      assembler.header(
        from.deviceId,
        { k: 'alert', id: msg.id, type: 'person', at: 0, boxes: [], snapshot: { size, chunks, sha256 } },
        Date.now(),
      );
      this.receiving.set(key(msg.id), { header: msg, assembler });
      return;
    }
    if (msg.k !== 'visitor-message-chunk') return;
    const r = this.receiving.get(key(msg.id));
    if (!r) return;
    const done = await r.assembler.chunk(from.deviceId, {
      k: 'alert-chunk',
      id: msg.id,
      i: msg.i,
      data: msg.data,
    });
    if (!done) return;
    this.receiving.delete(key(msg.id));
    if (!done.snapshot) return; // corrupt or incomplete: the door sends it again next time
    const id = this.messenger.identity;
    let clip: Uint8Array<ArrayBuffer>;
    try {
      clip = await openVisitorMessage(
        msg.id,
        new Uint8Array(done.snapshot),
        r.header.clipIv,
        r.header.key,
        id.deviceId,
        id.ecdhKeys.privateKey,
      );
    } catch {
      // Whole and as the door sent it, yet not openable here: sending it again changes nothing.
      void this.log.add({
        event: 'refused',
        deviceId: from.deviceId,
        name: from.name,
        reason: 'visitor message could not be opened',
      });
      void this.messenger.send(from.deviceId, { k: 'visitor-message-ack', id: msg.id });
      return;
    }
    const m: VisitorMessage = {
      key: key(msg.id),
      cameraId: from.deviceId,
      at: r.header.at,
      durationMs: r.header.durationMs,
      receivedAt: Date.now(),
      clip: new Blob([clip], { type: r.header.mime }),
    };
    this.messages = [...this.messages, m].slice(-MAX_KEPT);
    this.emit('changed', this.messages);
    await setSetting(this.db, 'visitorMessages', this.messages).catch(() => undefined);
    void this.messenger.send(from.deviceId, { k: 'visitor-message-ack', id: msg.id });
    void this.log.add({
      event: 'ring',
      deviceId: from.deviceId,
      name: from.name,
      reason: 'visitor message received',
    });
  }
}

const inboxes = new WeakMap<Device, MessageInbox>();

/** The visitor messages this device received (one inbox per page, on every route). */
export function messageInbox(device: Device): MessageInbox {
  let inbox = inboxes.get(device);
  if (!inbox) inboxes.set(device, (inbox = new MessageInbox(device.messenger, device.db, device.log)));
  return inbox;
}
