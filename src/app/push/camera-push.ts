/**
 * The camera's side of Web Push (issue 13). Viewers send their push
 * subscriptions sealed (`push-subscribe`); the camera keeps them, and for each
 * ring, person or motion event builds a small payload of data only (the viewer's
 * service worker writes the words in its own language), with a small picture for
 * rings and people, encrypts it for that viewer's
 * browser (RFC 8291, `shared/crypto/webpush.ts`) and hands the relay only
 * `{endpoint, ttl, urgency, topic, body}`. It also leaves a "camera offline"
 * push per viewer with the relay, refreshed regularly and on every change, and
 * says "back online" when the relay reports that one went out.
 *
 * A subscription goes at once when its viewer is unpaired, loses `watch`,
 * unsubscribes, or the push service says it is gone (404/410).
 */
import { toB64u } from '../../shared/crypto/b64u.ts';
import { encryptPushText, preparePush, type PreparedPush } from '../../shared/crypto/webpush.ts';
import {
  buildPayload,
  imageBudgetChars,
  payloadText,
  pushOptions,
  type PayloadInput,
  type PushKind,
} from '../../shared/push-payload.ts';
import type { PushAckState } from '../../shared/push-messages.ts';
import type { HealthKind } from '../../shared/health-messages.ts';
import type { PushFiredFrame, PushResultFrame } from '../../shared/push-protocol.ts';
import type { SessionMessage } from '../../shared/session.ts';
import { getSetting, setSetting, type CameraPushSubscription, type PairedPeer } from '../db.ts';
import type { Device } from '../device.ts';
import type { DetectionEvent } from '../detection/types.ts';
import { randomId } from '../util/emitter.ts';
import {
  holdKey,
  mayPush,
  offlineAfterMs,
  pushTargets,
  revokedSubscriptions,
  viewerOfHoldKey,
} from './camera-policy.ts';
import { fitBlobThumbnail, ThumbnailCache } from './thumbnail.ts';

/** The held "camera offline" pushes are encrypted again this often (fresh time in them, and the relay's copy renewed). */
const HOLD_REFRESH_MS = 10 * 60_000;
/** How long to wait for the relay's answer to one push. */
const RESULT_TIMEOUT_MS = 20_000;
/** Room kept for the longest camera name when the ring picture is prepared ahead. */
const THUMB_MAX_CHARS = 2600;

export type PushSendOutcome = PushResultFrame['status'] | 'offline' | 'timeout' | 'error';

export class CameraPush {
  private subs: Record<string, CameraPushSubscription> = {};
  private readonly loaded: Promise<void>;
  private readonly waiting = new Map<number, (r: PushResultFrame) => void>();
  private readonly offs: (() => void)[] = [];
  private readonly thumbs = new ThumbnailCache(THUMB_MAX_CHARS);
  private holdTimer: ReturnType<typeof setInterval> | undefined;
  /** Per viewer: the keys of its next push, derived ahead (`preparePush`), and the subscription they are for. */
  private readonly prepared = new Map<
    string,
    { endpoint: string; p256dh: string; next: Promise<PreparedPush> }
  >();
  private disposed = false;
  private stream: MediaStream | null = null;
  /** The stream the ring's picture is being kept from (null: none kept). */
  private thumbStream: MediaStream | null = null;

  constructor(private readonly device: Device) {
    this.loaded = getSetting(device.db, 'pushSubscriptions')
      .then((s) => void (this.subs = s ?? {}))
      .catch(() => undefined);
    const { messenger, relay, peers } = device;
    this.offs.push(
      messenger.on('message', (from, msg) => void this.onMessage(from, msg)),
      relay.on('push-result', (r) => this.onResult(r)),
      relay.on('push-fired', (f) => void this.onFired(f)),
      relay.on('state', (s) => s === 'online' && void this.refreshHolds()),
      // Unpairing or revoking `watch` removes the viewer's subscription at once.
      peers.on('changed', () => void this.prune()),
      peers.on('updated', () => void this.prune()),
    );
    this.holdTimer = setInterval(() => void this.refreshHolds(), HOLD_REFRESH_MS);
    void this.loaded.then(async () => {
      await this.prune();
      this.syncThumbs();
      for (const [id, sub] of Object.entries(this.subs)) this.prepareNext(id, sub);
      // A `push-fired` that came in before this started listening.
      const fired = relay.lastPushFired;
      relay.lastPushFired = null;
      if (fired) await this.onFired(fired);
      else if (relay.state === 'online') await this.refreshHolds();
    });
  }

  /** The outgoing (privacy-masked) stream: the ring's picture comes from it. */
  setStream(stream: MediaStream | null): void {
    this.stream = stream;
    this.syncThumbs();
  }

  /**
   * The ring's picture is kept ready only while some viewer would get a ring push: a camera
   * nobody subscribed to spends nothing on it (`npm run bench -- --only idle-camera`).
   */
  private syncThumbs(): void {
    const want = this.stream && this.subscribers('ring').length > 0 ? this.stream : null;
    if (want === this.thumbStream) return;
    this.thumbStream = want;
    this.thumbs.setStream(want);
  }

  /** Viewers that would get a push of this kind now (the camera screen and tests show it). */
  subscribers(kind: PushKind = 'ring'): string[] {
    return pushTargets(this.subs, (id) => this.device.peers.get(id), kind);
  }

  dispose(): void {
    this.disposed = true;
    for (const off of this.offs) off();
    clearInterval(this.holdTimer);
    this.thumbs.stop();
  }

  /** A visitor rang: push to every subscribed viewer, with the latest picture of the door. */
  async ring(id: string, at: number): Promise<PushSendOutcome[]> {
    performance.mark('doorpeer:push-ring');
    await this.loaded;
    const img = this.thumbs.get();
    return this.pushAll({ kind: 'ring', id, at }, async () => img);
  }

  /** A detection event: person and motion-start push to the viewers who chose them. */
  async detection(event: DetectionEvent): Promise<PushSendOutcome[]> {
    await this.loaded;
    const kind: PushKind | null =
      event.type === 'person' ? 'person' : event.type === 'motion-start' ? 'motion' : null;
    if (!kind) return [];
    const snapshot = kind === 'person' ? event.snapshot : undefined;
    let picture: Promise<string | null> | null = null;
    return this.pushAll({ kind, id: randomId(12), at: event.at }, (budget) =>
      snapshot ? (picture ??= fitBlobThumbnail(snapshot, budget)) : Promise.resolve(null),
    );
  }

  /**
   * A health warning raised or cleared at this camera (issue 15), to the viewers that want
   * that kind. "Back to normal" replaces the warning's notification (same tag and topic).
   */
  async health(kind: HealthKind, state: 'warning' | 'normal', at: number): Promise<PushSendOutcome[]> {
    await this.loaded;
    return this.pushAll(
      { kind: 'health', id: `health-${kind}`, at },
      () => Promise.resolve(null),
      { health: { kind, state } },
      (sub) => (sub.events.health ?? []).includes(kind),
    );
  }

  private async pushAll(
    event: { kind: PushKind; id: string; at: number },
    picture: (budget: number) => Promise<string | null>,
    extra: Partial<PayloadInput> = {},
    wants: (sub: CameraPushSubscription) => boolean = () => true,
  ): Promise<PushSendOutcome[]> {
    const targets = pushTargets(this.subs, (id) => this.device.peers.get(id), event.kind).filter((id) => {
      const sub = this.subs[id];
      return sub !== undefined && wants(sub);
    });
    // The same data for every viewer: each one's service worker words it in its own language.
    const payload = buildPayload(this.input(event, extra));
    return Promise.all(
      targets.map(async (viewerId) => {
        const sub = this.subs[viewerId];
        if (!sub) return 'error' as const;
        const text = payloadText(payload, await picture(imageBudgetChars(payload)));
        return this.send(viewerId, sub, event.kind, event.id, text);
      }),
    );
  }

  private input(
    event: { kind: PushKind; id: string; at: number },
    extra: Partial<PayloadInput> = {},
  ): PayloadInput {
    return { ...event, cam: this.device.identity.deviceId, name: this.device.name, ...extra };
  }

  private async send(
    viewerId: string,
    sub: CameraPushSubscription,
    kind: PushKind,
    id: string,
    text: string,
  ): Promise<PushSendOutcome> {
    let body: string;
    try {
      body = toB64u(await (await this.takePrepared(viewerId, sub)).encrypt(new TextEncoder().encode(text)));
    } catch {
      return 'error';
    }
    const opts = pushOptions(kind, this.device.identity.deviceId, id);
    const ref = this.device.relay.send({ t: 'push-send', endpoint: sub.endpoint, body, ...opts });
    // When the push left this device (the push benchmark's phase table reads it).
    performance.mark(`doorpeer:push-sent-${kind}`);
    if (ref === null) return 'offline';
    const result = await this.result(ref);
    if (result === null) return 'timeout';
    if (result.status === 'gone') await this.drop(viewerId, 'gone');
    return result.status;
  }

  /**
   * This viewer's prepared keys (made now if none are ready), and the next ones made in the
   * background: a ring then costs one AES-GCM encryption. Each prepared set is used once.
   */
  private takePrepared(viewerId: string, sub: CameraPushSubscription): Promise<PreparedPush> {
    const ready = this.prepared.get(viewerId);
    const fits = ready && ready.endpoint === sub.endpoint && ready.p256dh === sub.p256dh;
    const now = fits ? ready.next : preparePush(sub);
    this.prepareNext(viewerId, sub);
    return now;
  }

  private prepareNext(viewerId: string, sub: CameraPushSubscription): void {
    const next = preparePush(sub);
    next.catch(() => this.prepared.delete(viewerId));
    this.prepared.set(viewerId, { endpoint: sub.endpoint, p256dh: sub.p256dh, next });
  }

  private result(ref: number): Promise<PushResultFrame | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(ref);
        resolve(null);
      }, RESULT_TIMEOUT_MS);
      this.waiting.set(ref, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
    });
  }

  private onResult(r: PushResultFrame): void {
    if (r.ref === undefined) {
      // A held push the relay refused as gone-for-good (bad endpoint): nothing will ever deliver it.
      const viewer = r.key ? viewerOfHoldKey(r.key) : null;
      if (viewer && r.status === 'refused' && r.reason !== 'offline-delay') void this.drop(viewer, 'gone');
      return;
    }
    this.waiting.get(r.ref)?.(r);
    this.waiting.delete(r.ref);
  }

  private async onMessage(from: PairedPeer, msg: SessionMessage): Promise<void> {
    if (msg.k !== 'push-subscribe' && msg.k !== 'push-unsubscribe') return;
    if (from.role !== 'viewer') return;
    await this.loaded;
    if (msg.k === 'push-unsubscribe') return this.drop(from.deviceId, 'off');
    if (!mayPush(this.device.peers.get(from.deviceId))) {
      await this.device.messenger.send(from.deviceId, { k: 'push-ack', state: 'denied' });
      return;
    }
    // `lang` is kept as sent but unused: the viewer writes its notifications in its own language.
    const { sub, events, lang } = msg;
    this.subs = { ...this.subs, [from.deviceId]: { ...sub, events, lang, since: Date.now() } };
    this.prepareNext(from.deviceId, { ...sub, events, lang, since: Date.now() });
    await this.save();
    await this.device.messenger.send(from.deviceId, { k: 'push-ack', state: 'on', endpoint: sub.endpoint });
    await this.refreshHold(from.deviceId);
  }

  /** Remove a subscription here and its held push at the relay; tell the viewer if it is still paired. */
  private async drop(
    viewerId: string,
    state: Extract<PushAckState, 'off' | 'gone'> | 'revoked',
  ): Promise<void> {
    if (!this.subs[viewerId]) return;
    const { [viewerId]: _gone, ...rest } = this.subs;
    this.subs = rest;
    this.prepared.delete(viewerId);
    await this.save();
    this.device.relay.send({ t: 'push-release', key: holdKey(viewerId) });
    // A viewer still paired hears it (without `watch`: denied); an unpaired one has no keys left to hear it with.
    const peer = this.device.peers.get(viewerId);
    if (peer && !peer.unpairing) {
      await this.device.messenger.send(viewerId, {
        k: 'push-ack',
        state: state === 'revoked' ? 'denied' : state,
      });
    }
  }

  private async prune(): Promise<void> {
    await this.loaded;
    for (const id of revokedSubscriptions(this.subs, (v) => this.device.peers.get(v)))
      await this.drop(id, 'revoked');
  }

  private async save(): Promise<void> {
    this.syncThumbs();
    await setSetting(this.device.db, 'pushSubscriptions', this.subs).catch(() => undefined);
  }

  /** The test hook that lowers the "camera offline" delay (docs/testing.md), or null. */
  private testOfflineAfterMs(): number | null {
    const raw = globalThis.localStorage?.getItem('doorpeer:push-offline-after-ms');
    return raw ? Number(raw) : null;
  }

  private async refreshHolds(): Promise<void> {
    await this.loaded;
    if (this.disposed || this.device.relay.state !== 'online') return;
    for (const id of Object.keys(this.subs)) await this.refreshHold(id);
  }

  /** Leave (or renew, or withdraw) this viewer's "camera offline" push with the relay. */
  private async refreshHold(viewerId: string): Promise<void> {
    const sub = this.subs[viewerId];
    if (!sub) return;
    const key = holdKey(viewerId);
    if (!pushTargets({ [viewerId]: sub }, (id) => this.device.peers.get(id), 'offline').length) {
      this.device.relay.send({ t: 'push-release', key });
      return;
    }
    const afterMs = offlineAfterMs(sub, this.testOfflineAfterMs());
    const at = Date.now();
    const id = `off${at.toString(36)}`;
    const payload = buildPayload(this.input({ kind: 'offline', id, at }, { offlineAfterMs: afterMs }));
    let body: string;
    try {
      body = await encryptPushText(sub, payloadText(payload));
    } catch {
      return;
    }
    const opts = pushOptions('offline', this.device.identity.deviceId, id);
    this.device.relay.send({ t: 'push-hold', key, afterMs, endpoint: sub.endpoint, body, ...opts });
  }

  /** Back after being away: "online again" to the viewers whose "offline" went out; drop the gone ones. */
  private async onFired(frame: PushFiredFrame): Promise<void> {
    this.device.relay.lastPushFired = null;
    await this.loaded;
    for (const key of frame.gone) {
      const viewer = viewerOfHoldKey(key);
      if (viewer) await this.drop(viewer, 'gone');
    }
    const at = Date.now();
    await Promise.all(
      frame.keys.map(async (key) => {
        const viewerId = viewerOfHoldKey(key);
        const sub = viewerId ? this.subs[viewerId] : undefined;
        if (!viewerId || !sub) return;
        if (!pushTargets({ [viewerId]: sub }, (id) => this.device.peers.get(id), 'online').length) return;
        const id = `on${at.toString(36)}`;
        const text = payloadText(buildPayload(this.input({ kind: 'online', id, at })));
        await this.send(viewerId, sub, 'online', id, text);
      }),
    );
    await this.refreshHolds();
  }
}
