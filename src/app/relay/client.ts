/**
 * The device's connection to its relay: authenticates by signing the relay's
 * challenge, reconnects with backoff by itself, and exposes typed events.
 * Payloads are opaque here; `messenger.ts` seals and opens them.
 */
import {
  CLOSE_CODES,
  RELAY_PATH,
  assertNever,
  parseRelayFrame,
  type ClientFrame,
  type ErrorFrame,
  type IceServer,
  type RelayFrame,
} from '../../shared/protocol.ts';
import { signRelayChallenge, type Identity } from '../../shared/crypto/identity.ts';
import type { PushFiredFrame, PushResultFrame } from '../../shared/push-protocol.ts';
import { Emitter } from '../util/emitter.ts';
import { reconnectDelay } from './reconnect.ts';

export type RelayState = 'connecting' | 'online' | 'offline';

type RelayEvents = {
  state: [RelayState];
  deliver: [from: string, payload: string];
  'pair-opened': [handle: string, expiresAt: number];
  'pair-knocked': [handle: string, from: string, payload: string];
  'relay-error': [ErrorFrame];
  /** Web Push (issue 13): the relay's answer to a push request, and held pushes sent while away. */
  'push-result': [PushResultFrame];
  'push-fired': [PushFiredFrame];
};

export function defaultRelayUrl(loc: Location = location): string {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}${RELAY_PATH}`;
}

/** From opening the socket to the relay's `welcome`. */
const HANDSHAKE_TIMEOUT_MS = 5000;

export class RelayClient extends Emitter<RelayEvents> {
  state: RelayState = 'connecting';
  iceServers: IceServer[] = [];
  /** From `welcome`: `relay` when the operator wants media through TURN only. */
  iceTransportPolicy: RTCIceTransportPolicy = 'all';
  /** The last `push-fired` not yet taken (it may come before the camera's push service has started listening). */
  lastPushFired: PushFiredFrame | null = null;
  /** From `welcome`: the relay's VAPID public key for Web Push; null when its push is off (or not known yet). */
  vapidPublicKey: string | null = null;
  /** Why the relay last closed on us, for the status panel. */
  lastProblem: string | null = null;
  /** Consecutive failed attempts since the last successful authentication. */
  failures = 0;
  private ws: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  private nextRef = 1;
  private stopped = false;
  /** When the current outage began (null while online). */
  private offlineSince: number | null = null;

  constructor(
    private readonly identity: Identity,
    private readonly url: string = defaultRelayUrl(),
  ) {
    super();
    addEventListener('online', () => this.reconnectNow());
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.handshakeTimer);
    this.ws?.close(1000, 'stopped');
    this.ws = null;
  }

  /** Skip the backoff wait (network came back, or the person pressed retry). */
  reconnectNow(): void {
    if (this.stopped || this.state === 'online') return;
    clearTimeout(this.timer);
    if (!this.ws) this.connect();
  }

  /** Sends a frame if online; returns its `ref`, or null if offline (signaling is live-only). */
  send(frame: DistributiveOmit<ClientFrame, 'ref'> & { ref?: number }): number | null {
    if (this.state !== 'online' || !this.ws) return null;
    const ref = 'ref' in frame && frame.ref !== undefined ? frame.ref : this.nextRef++;
    const withRef =
      frame.t === 'send' || frame.t === 'pair-knock' || frame.t === 'push-send' ? { ...frame, ref } : frame;
    this.ws.send(JSON.stringify(withRef));
    return ref;
  }

  private setState(s: RelayState): void {
    if (this.state === s) return;
    this.state = s;
    this.emit('state', s);
  }

  private connect(): void {
    this.setState(this.failures > 0 ? 'offline' : 'connecting');
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url);
    } catch (e) {
      this.lastProblem = String(e);
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    // A relay that accepts the socket but never completes the handshake (or a connection that
    // stalls on the way) must not leave the device waiting: give up and reconnect.
    clearTimeout(this.handshakeTimer);
    this.handshakeTimer = setTimeout(() => {
      if (this.ws !== ws || this.state === 'online') return;
      this.lastProblem = 'the relay did not answer in time';
      ws.close();
      // A socket still connecting may take long to report its close: move on now.
      ws.onclose?.(new CloseEvent('close', { code: 4000 }));
    }, HANDSHAKE_TIMEOUT_MS);
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      const parsed = parseRelayFrame(ev.data);
      // A relay that sends garbage is not trusted for anything; drop the frame.
      if (!parsed.ok) return;
      void this.onFrame(ws, parsed.frame);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.state === 'online') this.failures = 0;
      this.failures++;
      this.lastProblem = ev.code === CLOSE_CODES.goingAway ? 'relay restarting' : `closed (${ev.code})`;
      this.setState('offline');
      if (ev.code === CLOSE_CODES.replaced) {
        // This device connected again from another tab; that tab now owns the connection.
        this.lastProblem = 'Doorpeer is open in another tab of this browser';
        return;
      }
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const now = Date.now();
    this.offlineSince ??= now;
    this.timer = setTimeout(() => this.connect(), reconnectDelay(this.attempt++, now - this.offlineSince));
  }

  private async onFrame(ws: WebSocket, frame: RelayFrame): Promise<void> {
    switch (frame.t) {
      case 'challenge': {
        const signature = await signRelayChallenge(this.identity, frame.nonce);
        if (ws.readyState === WebSocket.OPEN) {
          ws.send(JSON.stringify({ t: 'hello', v: 1, publicKey: this.identity.signPublic, signature }));
        }
        return;
      }
      case 'welcome':
        clearTimeout(this.handshakeTimer);
        this.iceServers = frame.iceServers;
        this.iceTransportPolicy = frame.iceTransportPolicy ?? 'all';
        this.vapidPublicKey = frame.vapidPublicKey ?? null;
        this.attempt = 0;
        this.offlineSince = null;
        this.failures = 0;
        this.lastProblem = null;
        this.setState('online');
        return;
      case 'ice-servers':
        // Fresh TURN credentials; connections made from now on use them.
        this.iceServers = frame.iceServers;
        return;
      case 'deliver':
        this.emit('deliver', frame.from, frame.payload);
        return;
      case 'pair-opened':
        this.emit('pair-opened', frame.handle, frame.expiresAt);
        return;
      case 'pair-knocked':
        this.emit('pair-knocked', frame.handle, frame.from, frame.payload);
        return;
      case 'error':
        this.emit('relay-error', frame);
        return;
      case 'push-result':
        this.emit('push-result', frame);
        return;
      case 'push-fired':
        this.lastPushFired = frame;
        this.emit('push-fired', frame);
        return;
      default:
        assertNever(frame);
    }
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
