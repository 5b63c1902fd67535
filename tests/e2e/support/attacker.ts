/**
 * Attackers as Node-side devices: each has a real identity (`generateIdentity`), connects
 * to the real relay with the `ws` package, answers the challenge, and can then send any
 * frame, sealed or not. Plus the storage probes the attack tests use to look inside a
 * browser's IndexedDB with the raw API (no `idb` in the page).
 *
 *   const eve = await Attacker.connect(relay.wsUrl);
 *   await eve.sendSealed(cameraKeys, { k: 'watch', session: 'eve-session-1', name: 'Eve' });
 *   const refused = await Attacker.impersonate(relay.wsUrl, viewerKeys.signPublic); // { code, closeCode }
 *   const keys = await readPublicKeys(camera.page);     // what a stranger may know anyway
 *   const log = await readAccessLog(camera.page);       // the camera's access log, newest first
 *
 * `localAddress` lets an attacker come from another loopback address (127.0.0.2), so the
 * relay's per-IP limits count it apart from the honest browsers on 127.0.0.1.
 */
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import type { Page } from '@playwright/test';
import { generateIdentity, signRelayChallenge, type Identity } from '../../../src/shared/crypto/identity.ts';
import { SealedChannel, type PeerKeys } from '../../../src/shared/crypto/seal.ts';
import { derivePairKey, pairSeal } from '../../../src/shared/crypto/pairing.ts';
import { openClear, payloadKind } from '../../../src/shared/crypto/framing.ts';
import { randomBytes } from '../../../src/shared/crypto/bytes.ts';
import { toB64u } from '../../../src/shared/crypto/b64u.ts';
import {
  PROTOCOL_VERSION,
  RELAY_PATH,
  parseRelayFrame,
  type RelayFrame,
} from '../../../src/shared/protocol.ts';
import type { SessionMessage } from '../../../src/shared/session.ts';

const WAIT_MS = 20_000;

export interface Closed {
  code: number;
  reason: string;
}

export interface ConnectOptions {
  identity?: Identity;
  /** Source address, e.g. '127.0.0.2' (Linux routes all of 127/8 to loopback). */
  localAddress?: string;
}

/** The relay's WebSocket URL on 127.0.0.1 (the relay listens on IPv4; `localhost` may be ::1). */
export function ipv4WsUrl(wsUrl: string): string {
  const url = new URL(wsUrl);
  return `ws://127.0.0.1:${url.port}${RELAY_PATH}`;
}

export class Attacker {
  /** Every frame the relay sent, oldest first (invalid ones as `{ t: 'invalid' }`). */
  readonly received: (RelayFrame | { t: 'invalid'; raw: string })[] = [];
  readonly closed: Promise<Closed>;
  private readonly events = new EventEmitter();
  private readonly channels = new Map<string, Promise<SealedChannel>>();
  private nextRef = 1;

  private constructor(
    readonly ws: WebSocket,
    readonly identity: Identity,
  ) {
    this.events.setMaxListeners(0);
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    ws.on('error', () => {});
    ws.on('message', (data) => {
      const raw = data.toString();
      const parsed = parseRelayFrame(raw);
      const frame = parsed.ok ? parsed.frame : ({ t: 'invalid', raw } as const);
      this.received.push(frame);
      this.events.emit('frame', frame);
    });
  }

  get deviceId(): string {
    return this.identity.deviceId;
  }

  /** Connect and wait for the challenge, without answering it. */
  static async open(
    wsUrl: string,
    opts: ConnectOptions = {},
  ): Promise<{ attacker: Attacker; nonce: string }> {
    const identity = opts.identity ?? (await generateIdentity());
    const ws = new WebSocket(ipv4WsUrl(wsUrl), {
      ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
    });
    const attacker = new Attacker(ws, identity);
    const challenge = await attacker.next('challenge');
    return { attacker, nonce: challenge.nonce };
  }

  /** Connect as a device with its own real identity: challenge answered, welcome received. */
  static async connect(wsUrl: string, opts: ConnectOptions = {}): Promise<Attacker> {
    const { attacker, nonce } = await Attacker.open(wsUrl, opts);
    attacker.sendJson({
      t: 'hello',
      v: PROTOCOL_VERSION,
      publicKey: attacker.identity.signPublic,
      signature: await signRelayChallenge(attacker.identity, nonce),
    });
    await attacker.next('welcome');
    return attacker;
  }

  /**
   * Claim another device's ID: a hello carrying the victim's public key, signed by the
   * attacker's own key (the victim's private key never leaves the victim's browser).
   * Resolves with what the relay answered and how it closed the socket.
   */
  static async impersonate(
    wsUrl: string,
    victimSignPublic: string,
  ): Promise<{ errorCode: string | null; welcomed: boolean; closed: Closed }> {
    const { attacker, nonce } = await Attacker.open(wsUrl);
    attacker.sendJson({
      t: 'hello',
      v: PROTOCOL_VERSION,
      publicKey: victimSignPublic,
      signature: await signRelayChallenge(attacker.identity, nonce),
    });
    const closed = await attacker.waitClosed();
    const error = attacker.received.find((f) => f.t === 'error');
    return {
      errorCode: error && error.t === 'error' ? error.code : null,
      welcomed: attacker.received.some((f) => f.t === 'welcome'),
      closed,
    };
  }

  sendJson(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  sendRaw(frame: string): void {
    this.ws.send(frame);
  }

  /** Route a payload to `to` through the relay (a `send` frame). */
  send(to: string, payload: string): number {
    const ref = this.nextRef++;
    this.sendJson({ t: 'send', to, payload, ref });
    return ref;
  }

  /** Seal `msg` for `peer` with this attacker's own keys (the peer has never paired with it). */
  async sendSealed(peer: PeerKeys, msg: SessionMessage | Record<string, unknown>): Promise<number> {
    let ch = this.channels.get(peer.deviceId);
    if (!ch) {
      ch = SealedChannel.create(this.identity, peer);
      this.channels.set(peer.deviceId, ch);
    }
    return this.send(peer.deviceId, await (await ch).seal(msg));
  }

  /**
   * Knock on a pairing handle with a guessed secret: a real `pair-hello`, sealed under the
   * key that secret would give, so a wrong guess looks exactly like a person's typo.
   */
  async knockWithGuess(handle: string, secretGuess: string): Promise<number> {
    const key = await derivePairKey(secretGuess, handle);
    const payload = await pairSeal(key, { k: 'pair-hello', commit: toB64u(randomBytes(32)) });
    const ref = this.nextRef++;
    this.sendJson({ t: 'pair-knock', handle, payload, ref });
    return ref;
  }

  /** The first frame of type `t` (already received or still to come) that matches `pred`. */
  next<T extends RelayFrame['t']>(
    t: T,
    pred: (f: Extract<RelayFrame, { t: T }>) => boolean = () => true,
  ): Promise<Extract<RelayFrame, { t: T }>> {
    type F = Extract<RelayFrame, { t: T }>;
    const match = (f: RelayFrame | { t: 'invalid' }): f is F => f.t === t && pred(f as F);
    const seen = this.received.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise<F>((resolve, reject) => {
      const onFrame = (f: RelayFrame): void => {
        if (!match(f)) return;
        cleanup();
        resolve(f);
      };
      const onClose = (): void => {
        cleanup();
        reject(new Error(`attacker: socket closed while waiting for ${t}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`attacker: timed out after ${WAIT_MS} ms waiting for ${t}`));
      }, WAIT_MS);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.events.off('frame', onFrame);
        this.ws.off('close', onClose);
      };
      this.events.on('frame', onFrame);
      this.ws.once('close', onClose);
    });
  }

  /** Every frame from now on; returns the unsubscribe function. */
  onFrame(fn: (frame: RelayFrame | { t: 'invalid'; raw: string }) => void): () => void {
    this.events.on('frame', fn);
    return () => this.events.off('frame', fn);
  }

  /** Opens a sealed payload from a peer this attacker holds a channel with (see `sendSealed`). */
  async openSealed(peer: PeerKeys, payload: string): Promise<unknown> {
    let ch = this.channels.get(peer.deviceId);
    if (!ch) {
      ch = SealedChannel.create(this.identity, peer);
      this.channels.set(peer.deviceId, ch);
    }
    return (await ch).open(payload);
  }

  /** Deliveries from `from` received so far. */
  deliveriesFrom(from: string): Extract<RelayFrame, { t: 'deliver' }>[] {
    return this.received.filter(
      (f): f is Extract<RelayFrame, { t: 'deliver' }> => f.t === 'deliver' && f.from === from,
    );
  }

  waitClosed(): Promise<Closed> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('attacker: socket did not close')), WAIT_MS);
    });
    return Promise.race([this.closed, timeout]).finally(() => clearTimeout(timer));
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.close(1000);
    await this.waitClosed();
  }
}

/** What a delivered payload is, from the attacker's side: the kind, and the clear message if any. */
export function describePayload(payload: string): { kind: string | null; clear: unknown } {
  const kind = payloadKind(payload);
  let clear: unknown = null;
  if (kind === 'clear') {
    try {
      clear = openClear(payload);
    } catch {
      clear = null;
    }
  }
  return { kind, clear };
}

/**
 * A plausible WebRTC offer as Chromium would make it (one video and one audio section,
 * a made-up DTLS fingerprint), for attackers that want to look like a real viewer.
 */
export function fakeOffer(): { type: 'offer'; sdp: string } {
  const hex = [...randomBytes(32)].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
  const ufrag = toB64u(randomBytes(3));
  const pwd = toB64u(randomBytes(18));
  const section = (kind: 'audio' | 'video', mid: number, pt: string, codec: string): string =>
    [
      `m=${kind} 9 UDP/TLS/RTP/SAVPF ${pt}`,
      'c=IN IP4 0.0.0.0',
      'a=rtcp:9 IN IP4 0.0.0.0',
      `a=ice-ufrag:${ufrag}`,
      `a=ice-pwd:${pwd}`,
      'a=ice-options:trickle',
      `a=fingerprint:sha-256 ${hex}`,
      'a=setup:actpass',
      `a=mid:${mid}`,
      'a=recvonly',
      'a=rtcp-mux',
      `a=rtpmap:${pt} ${codec}`,
    ].join('\r\n');
  const sdp = [
    'v=0',
    `o=- ${Date.now()} 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    'a=group:BUNDLE 0 1',
    'a=msid-semantic: WMS',
    section('audio', 0, '111', 'opus/48000/2'),
    section('video', 1, '96', 'VP8/90000'),
    '',
  ].join('\r\n');
  return { type: 'offer', sdp };
}

// ------------------------------------------------------------------ looking inside a browser's storage

/** One record of the page's IndexedDB, as plain data (records holding keys or Blobs do not cross). */
export async function readRecord<T>(page: Page, store: string, key: string): Promise<T | undefined> {
  return page.evaluate(
    async ([store, key]) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open('doorpeer');
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      const value = await new Promise<unknown>((resolve, reject) => {
        const req = db.transaction(store).objectStore(store).get(key);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      db.close();
      return value;
    },
    [store, key] as const,
  ) as Promise<T | undefined>;
}

/** The page's own public keys and certificate fingerprint (public anyway: a paired peer holds them). */
export async function readPublicKeys(page: Page): Promise<PeerKeys & { certFingerprint: string }> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('doorpeer');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const self = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const req = db.transaction('identity').objectStore('identity').get('self');
      req.onsuccess = () => resolve(req.result as Record<string, unknown>);
      req.onerror = () => reject(req.error);
    });
    db.close();
    return {
      deviceId: String(self.deviceId),
      signPublic: String(self.signPublic),
      ecdhPublic: String(self.ecdhPublic),
      certFingerprint: String(self.certFingerprint),
    };
  });
}

export interface LogEntry {
  ts: number;
  event: string;
  deviceId: string;
  name?: string;
  reason?: string;
}

/** The page's access log straight from IndexedDB, oldest first. */
export async function readAccessLog(page: Page): Promise<LogEntry[]> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('doorpeer');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const all = await new Promise<LogEntry[]>((resolve, reject) => {
      const req = db.transaction('log').objectStore('log').getAll();
      req.onsuccess = () => resolve(req.result as LogEntry[]);
      req.onerror = () => reject(req.error);
    });
    db.close();
    return all.map(({ ts, event, deviceId, name, reason }) => ({ ts, event, deviceId, name, reason }));
  });
}

/** How many log entries have this event (and reason, and device, if given). */
export async function countLog(
  page: Page,
  match: { event: string; reason?: string; deviceId?: string },
): Promise<number> {
  const log = await readAccessLog(page);
  return log.filter(
    (e) =>
      e.event === match.event &&
      (match.reason === undefined || e.reason === match.reason) &&
      (match.deviceId === undefined || e.deviceId === match.deviceId),
  ).length;
}

/**
 * Overwrite the fingerprint this page pinned for `peerId` at pairing, in its `peers`
 * store (raw IndexedDB, readwrite). The app reads the store at start-up: reload after.
 */
export async function corruptPinnedFingerprint(
  page: Page,
  peerId: string,
  fingerprint: string,
): Promise<void> {
  const ok = await page.evaluate(
    async ({ peerId, fingerprint }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open('doorpeer');
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      const tx = db.transaction('peers', 'readwrite');
      const store = tx.objectStore('peers');
      const found = await new Promise<boolean>((resolve, reject) => {
        const get = store.get(peerId);
        get.onsuccess = () => {
          const peer = get.result as Record<string, unknown> | undefined;
          if (!peer) return resolve(false);
          store.put({ ...peer, certFingerprint: fingerprint });
          resolve(true);
        };
        get.onerror = () => reject(get.error);
      });
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
      return found;
    },
    { peerId, fingerprint },
  );
  if (!ok) throw new Error(`no peers record for ${peerId} to corrupt`);
}

/** A well-formed sha-256 fingerprint that is not `real` (every byte changed). */
export function otherFingerprint(real: string): string {
  return real
    .split(':')
    .map((h) => ((parseInt(h, 16) ^ 0xff) & 0xff).toString(16).padStart(2, '0').toUpperCase())
    .join(':');
}
