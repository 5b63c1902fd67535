/**
 * Warm links (issue 16): while the viewer app is shown, it keeps one idle link to each
 * paired camera (up to `MAX_WARM`): signaled through the relay like any live session,
 * connected, its DTLS certificate pinned and checked, and sending nothing. A tap then
 * says `play` on that link (`live-session.ts`) and the camera, after checking the viewer's
 * `watch` permission as it is at that moment, puts its tracks on: no signaling, ICE or
 * DTLS before the first frame.
 *
 * The links close when the page is hidden (or the setting is turned off), and open again
 * when it is shown. A camera that refuses one (`not-allowed`, unpaired) is left alone until
 * the page is next shown; a link that drops is made again with backoff. On by default
 * where there is a fine pointer that hovers (a desktop); a setting per viewer.
 * Loaded on demand once the camera list has shown, never on a camera.
 */
import type { Device } from '../device.ts';
import type { PairedPeer } from '../db.ts';
import { getSetting, setSetting } from '../db.ts';
import { PeerLink, markPhase } from '../rtc/peer-link.ts';
import { backoffDelay, randomId } from '../util/emitter.ts';
import { setWarmPool, warmChanged, type WarmLink, type WarmPool } from './warm-registry.ts';

/** Warm links kept at most (the cameras paired longest come first). */
const MAX_WARM = 4;
/** Backoff for a warm link that dropped or failed to connect. */
const RETRY_BASE_MS = 2000;
const RETRY_CAP_MS = 60_000;
/** A warm link that has not connected by then is given up (and tried again later). */
const CONNECT_TIMEOUT_MS = 20_000;

interface Entry extends WarmLink {
  unsubs: (() => void)[];
  timeout: ReturnType<typeof setTimeout> | undefined;
}

/** The default where the owner never chose: on with a mouse or trackpad, off on a phone (its battery). */
export function warmLinksByDefault(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(hover: hover) and (pointer: fine)').matches;
}

export class WarmLinks implements WarmPool {
  private readonly entries = new Map<string, Entry>();
  /** Cameras that refused a warm link; asked again when the page is next shown. */
  private readonly refused = new Set<string>();
  private readonly watched = new Set<string>();
  private readonly attempts = new Map<string, number>();
  private readonly retryAt = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly unsubs: (() => void)[] = [];
  private enabled: boolean;
  private stopped = false;

  constructor(
    private readonly device: Device,
    enabled: boolean,
  ) {
    this.enabled = enabled;
    const { messenger } = device;
    const onVisibility = (): void => {
      if (document.visibilityState === 'visible') this.refused.clear();
      this.sync();
    };
    document.addEventListener('visibilitychange', onVisibility);
    this.unsubs.push(
      () => document.removeEventListener('visibilitychange', onVisibility),
      device.peers.on('changed', () => this.sync()),
      messenger.relay.on('state', (s) => {
        if (s === 'online') this.sync();
      }),
      messenger.on('message', (from, msg) => {
        const e = this.entries.get(from.deviceId);
        if (!e || !('session' in msg) || msg.session !== e.session) return;
        if (msg.k === 'signal') e.link.signal(msg.data);
        else if (msg.k === 'end') {
          if (msg.reason === 'not-allowed' || msg.reason === 'unpaired') this.refused.add(from.deviceId);
          this.drop(from.deviceId, false);
        }
      }),
    );
    setWarmPool(this);
    this.sync();
  }

  setEnabled(on: boolean): void {
    this.enabled = on;
    this.sync();
  }

  stop(): void {
    this.stopped = true;
    setWarmPool(null);
    for (const u of this.unsubs) u();
    for (const id of [...this.entries.keys()]) this.drop(id, true);
    for (const t of this.retryAt.values()) clearTimeout(t);
    this.retryAt.clear();
  }

  take(cameraId: string): WarmLink | null {
    const e = this.entries.get(cameraId);
    if (!e?.link.ready) return null;
    this.release(cameraId, e);
    warmChanged();
    return { session: e.session, link: e.link };
  }

  give(cameraId: string, warm: WarmLink): boolean {
    if (!this.wanted().some((c) => c.deviceId === cameraId) || this.entries.has(cameraId)) return false;
    if (!warm.link.ready) return false;
    this.hold(cameraId, warm);
    warmChanged();
    return true;
  }

  isWarm(cameraId: string): boolean {
    return this.entries.get(cameraId)?.link.ready ?? false;
  }

  watching(cameraId: string, on: boolean): void {
    if (on) this.watched.add(cameraId);
    else this.watched.delete(cameraId);
    this.sync();
  }

  /** The cameras that should have a warm link now. */
  private wanted(): PairedPeer[] {
    if (this.stopped || !this.enabled || document.visibilityState !== 'visible') return [];
    return this.device.peers
      .list()
      .filter((p) => p.role === 'camera' && !p.unpairing && !this.refused.has(p.deviceId))
      .slice(0, MAX_WARM);
  }

  /** Closes the links nobody wants any more and opens the missing ones. */
  private sync(): void {
    const wanted = this.wanted();
    const ids = new Set(wanted.map((p) => p.deviceId));
    for (const id of [...this.entries.keys()]) if (!ids.has(id)) this.drop(id, true);
    // New links need the relay (they are signaled through it); existing ones do not.
    if (this.device.relay.state !== 'online') return;
    for (const camera of wanted) {
      const id = camera.deviceId;
      if (this.entries.has(id) || this.watched.has(id) || this.retryAt.has(id)) continue;
      this.open(camera);
    }
  }

  private open(camera: PairedPeer): void {
    const { messenger, identity } = this.device;
    const session = randomId();
    markPhase('warm-open');
    void messenger.send(camera.deviceId, { k: 'watch', session, name: this.device.name, warm: true });
    const link = new PeerLink({
      initiator: true,
      iceServers: messenger.relay.iceServers,
      iceTransportPolicy: messenger.relay.iceTransportPolicy,
      certificate: identity.certificate,
      pinnedFingerprint: camera.certFingerprint,
    });
    this.hold(camera.deviceId, { session, link });
  }

  /** Keeps `warm` for `cameraId`, listening to it until it is taken or dropped. */
  private hold(cameraId: string, { session, link }: WarmLink): void {
    const { messenger } = this.device;
    const entry: Entry = {
      session,
      link,
      unsubs: [],
      timeout: link.ready
        ? undefined
        : setTimeout(() => this.entries.get(cameraId) === entry && this.lost(cameraId), CONNECT_TIMEOUT_MS),
    };
    entry.unsubs = [
      link.on('signal', (data) => void messenger.send(cameraId, { k: 'signal', session, data })),
      link.on('connect', () => {
        clearTimeout(entry.timeout);
        this.attempts.delete(cameraId);
        warmChanged();
      }),
      // A certificate that is not the pinned one: no warm link; a tap shows the warning.
      link.on('pin-mismatch', () => this.refused.add(cameraId)),
      link.on('close', () => {
        if (this.entries.get(cameraId) === entry) this.lost(cameraId);
      }),
    ];
    this.entries.set(cameraId, entry);
  }

  /** A link dropped or never came up: made again later, with backoff. */
  private lost(cameraId: string): void {
    this.drop(cameraId, true);
    if (this.stopped) return;
    const n = this.attempts.get(cameraId) ?? 0;
    this.attempts.set(cameraId, n + 1);
    this.retryAt.set(
      cameraId,
      setTimeout(
        () => {
          this.retryAt.delete(cameraId);
          this.sync();
        },
        backoffDelay(n, RETRY_BASE_MS, RETRY_CAP_MS),
      ),
    );
  }

  /** Stops listening to a link without closing it (it was taken). */
  private release(cameraId: string, e: Entry): void {
    clearTimeout(e.timeout);
    for (const u of e.unsubs) u();
    if (this.entries.get(cameraId) === e) this.entries.delete(cameraId);
  }

  /** Closes a warm link, telling the camera through the relay if `notify` (its data channel tells it anyway). */
  private drop(cameraId: string, notify: boolean): void {
    const e = this.entries.get(cameraId);
    if (!e) return;
    this.release(cameraId, e);
    if (notify && this.device.relay.state === 'online')
      void this.device.messenger.send(cameraId, { k: 'end', session: e.session, reason: 'viewer-closed' });
    e.link.destroy();
    warmChanged();
  }
}

let running: { device: Device; pool: WarmLinks } | null = null;

/** Starts the device's warm links (once), with the owner's setting or the default. */
export async function startWarmLinks(device: Device): Promise<WarmLinks> {
  if (running?.device === device) return running.pool;
  const enabled = (await getSetting(device.db, 'warmLinks')) ?? warmLinksByDefault();
  if (running?.device === device) return running.pool;
  running?.pool.stop();
  const pool = new WarmLinks(device, enabled);
  running = { device, pool };
  return pool;
}

/** The owner turned warm links on or off on this device. */
export async function chooseWarmLinks(device: Device, on: boolean): Promise<void> {
  await setSetting(device.db, 'warmLinks', on);
  (await startWarmLinks(device)).setEnabled(on);
}

/** The setting as it applies now (the owner's choice, else the default). */
export async function warmLinksOn(device: Device): Promise<boolean> {
  return (await getSetting(device.db, 'warmLinks')) ?? warmLinksByDefault();
}
