/**
 * A man in the middle for end-to-end attack tests: what a relay operator who turned
 * hostile can do. It serves the app by proxying plain HTTP to a real upstream relay,
 * and for every WebSocket on `/ws` it opens its own socket to the upstream and pumps
 * frames both ways through a tamper hook that may modify, drop, inject or duplicate.
 * Every frame is recorded, so a test can capture a sealed payload now and replay it
 * later, or wait for "the relay has forwarded N frames" instead of sleeping.
 *
 *   const mitm = await HostileRelay.start(relay);       // relay: the real one (support/relay.ts)
 *   const camera = await openCameraVia(devices, mitm);  // browsers open http://localhost:MITM_PORT
 *   mitm.tamper = (dir, frame, conn) => frame;          // 'up' = device -> relay, 'down' = relay -> device
 *   mitm.inject(cameraId, deliverFrame(viewerId, payload));
 *
 * The upstream relay checks the Origin of WebSocket upgrades (absent, or its own). The
 * browser's Origin names this proxy, so the upstream socket is opened without one, as
 * any non-browser client would; the upstream then sees every device as 127.0.0.1.
 */
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer, type RawData } from 'ws';
import { expect } from '@playwright/test';
import { fromB64u, toB64u } from '../../../src/shared/crypto/b64u.ts';
import { payloadKind, type PayloadKind } from '../../../src/shared/crypto/framing.ts';
import { RELAY_PATH } from '../../../src/shared/protocol.ts';
import { chooseRoleIfAsked, PAIRING_CODE_PATTERN, type Device, type Devices } from './devices.ts';

export type Direction = 'up' | 'down';

/** What the tamper hook returns: the frame(s) to forward instead (`[]` or `null` drops it). */
export type TamperResult = string | string[] | null;
export type Tamper = (dir: Direction, frame: string, conn: ProxiedConnection) => TamperResult;

/** One frame as the proxy saw it, before tampering, and what it forwarded instead. */
export interface RecordedFrame {
  seq: number;
  dir: Direction;
  connId: number;
  /** The device on this connection, once the upstream's `welcome` named it. */
  deviceId: string | undefined;
  raw: string;
  /** The frame as JSON, or null if it was not JSON. */
  json: Record<string, unknown> | null;
  forwarded: string[];
  /** True for frames the test injected (`inject`), which never passed the hook. */
  injected: boolean;
}

/** Fields of a relay `deliver` frame, typed for tests. */
export interface Deliver {
  t: 'deliver';
  from: string;
  payload: string;
  ts: number;
}

const WAIT_MS = 20_000;
/** The proxy accepts far more than the relay does, so oversize frames reach the relay's own check. */
const PROXY_MAX_PAYLOAD = 1024 * 1024;

/** A device's socket through the proxy: the browser side (`down`) and the upstream side. */
export class ProxiedConnection {
  deviceId: string | undefined;
  /** Close codes as each side saw them, once closed. */
  downClosed: { code: number; reason: string } | undefined;
  upClosed: { code: number; reason: string } | undefined;
  private readonly pendingUp: string[] = [];

  constructor(
    readonly id: number,
    readonly down: WebSocket,
    readonly up: WebSocket,
  ) {}

  /** Send a frame to the device, as if the relay had sent it. */
  sendDown(frame: string): void {
    if (this.down.readyState === WebSocket.OPEN) this.down.send(frame);
  }

  /** Send a frame to the relay, as if the device had sent it (queued until the upstream is open). */
  sendUp(frame: string): void {
    if (this.up.readyState === WebSocket.OPEN) this.up.send(frame);
    else if (this.up.readyState === WebSocket.CONNECTING) this.pendingUp.push(frame);
  }

  flushUp(): void {
    for (const frame of this.pendingUp.splice(0)) this.up.send(frame);
  }

  get open(): boolean {
    return this.down.readyState === WebSocket.OPEN && this.up.readyState === WebSocket.OPEN;
  }
}

export class HostileRelay {
  /** Every frame in both directions, oldest first. */
  readonly frames: RecordedFrame[] = [];
  readonly connections: ProxiedConnection[] = [];
  /** The tamper hook; the default forwards everything unchanged. */
  tamper: Tamper = (_dir, frame) => frame;
  private readonly events = new EventEmitter();
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: PROXY_MAX_PAYLOAD });
  private seq = 0;
  private nextConnId = 1;

  private constructor(
    private readonly server: http.Server,
    private readonly upstream: URL,
  ) {
    this.events.setMaxListeners(0);
  }

  /** Start on 127.0.0.1, port 0, in front of `upstream` (anything with the relay's `url`). */
  static async start(upstream: { url: string }): Promise<HostileRelay> {
    const server = http.createServer();
    const mitm = new HostileRelay(server, new URL(upstream.url));
    server.on('request', (req, res) => mitm.proxyHttp(req, res));
    server.on('upgrade', (req, socket, head) => {
      socket.on('error', () => {});
      if ((req.url ?? '').split('?')[0] !== RELAY_PATH) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      mitm.wss.handleUpgrade(req, socket, head, (ws) => mitm.onDevice(ws));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return mitm;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** What browsers open: `http://localhost:PORT` (localhost, so the camera is allowed). */
  get url(): string {
    return `http://localhost:${this.port}`;
  }

  async close(): Promise<void> {
    for (const c of this.connections) {
      c.down.terminate();
      c.up.terminate();
    }
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ------------------------------------------------------------------ observing

  /** The newest connection whose `welcome` named `deviceId`. */
  connectionOf(deviceId: string): ProxiedConnection | undefined {
    return this.connections.filter((c) => c.deviceId === deviceId).at(-1);
  }

  /** Frames matching `pred` recorded so far (from the `mark()` given, else from the start). */
  recorded(pred: (f: RecordedFrame) => boolean, since = 0): RecordedFrame[] {
    return this.frames.slice(since).filter(pred);
  }

  /** A place in the recording: `recorded(pred, mark)` looks only at frames after it. */
  mark(): number {
    return this.frames.length;
  }

  /** The first recorded frame (already seen, or still to come) that matches; fails after a timeout. */
  waitFor(pred: (f: RecordedFrame) => boolean, what: string, timeoutMs = WAIT_MS): Promise<RecordedFrame> {
    const seen = this.frames.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const onFrame = (f: RecordedFrame): void => {
        if (!pred(f)) return;
        clearTimeout(timer);
        this.events.off('frame', onFrame);
        resolve(f);
      };
      const timer = setTimeout(() => {
        this.events.off('frame', onFrame);
        reject(new Error(`hostile relay: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.events.on('frame', onFrame);
    });
  }

  /** Wait until `count` recorded frames match `pred` (e.g. "the camera got 3 tampered payloads"). */
  async waitForCount(pred: (f: RecordedFrame) => boolean, count: number, what: string): Promise<void> {
    await expect
      .poll(() => this.frames.filter(pred).length, { message: `hostile relay: ${what}` })
      .toBeGreaterThanOrEqual(count);
  }

  /** Wait until the device has an open connection through the proxy. */
  async waitForDevice(deviceId: string): Promise<ProxiedConnection> {
    await this.waitFor(
      (f) => f.dir === 'down' && f.deviceId === deviceId && f.json?.t === 'welcome',
      `device ${deviceId} to be welcomed`,
    );
    const conn = this.connectionOf(deviceId);
    if (!conn) throw new Error(`hostile relay: no connection for ${deviceId}`);
    return conn;
  }

  // ------------------------------------------------------------------ acting

  /** Send `frame` to a device as if the relay had sent it; recorded as injected. */
  inject(deviceId: string, frame: string | object): void {
    const conn = this.connectionOf(deviceId);
    if (!conn?.open) throw new Error(`hostile relay: ${deviceId} has no open connection to inject into`);
    const raw = typeof frame === 'string' ? frame : JSON.stringify(frame);
    this.record('down', conn, raw, [raw], true);
    conn.sendDown(raw);
  }

  /** Send a recorded frame again, as it was first forwarded, to the device it went to. */
  replay(frame: RecordedFrame): void {
    if (frame.dir !== 'down' || !frame.deviceId)
      throw new Error('only frames sent to a device can be replayed');
    this.inject(frame.deviceId, frame.forwarded[0] ?? frame.raw);
  }

  // ------------------------------------------------------------------ plumbing

  private onDevice(down: WebSocket): void {
    const up = new WebSocket(this.upstreamWsUrl(), { maxPayload: PROXY_MAX_PAYLOAD });
    const conn = new ProxiedConnection(this.nextConnId++, down, up);
    this.connections.push(conn);
    up.on('open', () => conn.flushUp());
    up.on('error', () => {});
    down.on('error', () => {});
    down.on('message', (data, isBinary) => {
      if (isBinary) return conn.sendUp(rawText(data)); // the relay refuses binary itself
      this.pump('up', conn, rawText(data));
    });
    up.on('message', (data) => this.pump('down', conn, rawText(data)));
    down.on('close', (code, reason) => {
      conn.downClosed = { code, reason: reason.toString() };
      closeWith(up, code, reason.toString());
      this.events.emit('closed', conn);
    });
    up.on('close', (code, reason) => {
      conn.upClosed = { code, reason: reason.toString() };
      closeWith(down, code, reason.toString());
      this.events.emit('closed', conn);
    });
  }

  private pump(dir: Direction, conn: ProxiedConnection, raw: string): void {
    if (dir === 'down' && conn.deviceId === undefined) {
      const json = parseJson(raw);
      if (json?.t === 'welcome' && typeof json.deviceId === 'string') conn.deviceId = json.deviceId;
    }
    const result = this.tamper(dir, raw, conn);
    const out = result === null ? [] : typeof result === 'string' ? [result] : result;
    this.record(dir, conn, raw, out, false);
    for (const frame of out) {
      if (dir === 'up') conn.sendUp(frame);
      else conn.sendDown(frame);
    }
  }

  private record(
    dir: Direction,
    conn: ProxiedConnection,
    raw: string,
    forwarded: string[],
    injected: boolean,
  ): void {
    const f: RecordedFrame = {
      seq: this.seq++,
      dir,
      connId: conn.id,
      deviceId: conn.deviceId,
      raw,
      json: parseJson(raw),
      forwarded,
      injected,
    };
    this.frames.push(f);
    this.events.emit('frame', f);
  }

  private upstreamWsUrl(): string {
    // 127.0.0.1, not localhost: the relay listens on IPv4 only and localhost may resolve to ::1.
    const port = this.upstream.port || '80';
    return `ws://127.0.0.1:${port}${RELAY_PATH}`;
  }

  private proxyHttp(req: http.IncomingMessage, res: http.ServerResponse): void {
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port: Number(this.upstream.port || 80),
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: `127.0.0.1:${this.upstream.port}` },
      },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  }
}

function closeWith(ws: WebSocket, code: number, reason: string): void {
  if (ws.readyState === WebSocket.CLOSED || ws.readyState === WebSocket.CLOSING) return;
  // 1005/1006 (and 1015) describe a close; they cannot be sent in one.
  if (code === 1005 || code === 1006 || code === 1015) ws.terminate();
  else if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
  else ws.close(code, reason);
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function parseJson(raw: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(raw);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

// ------------------------------------------------------------------ frame helpers (pure)

/** The frame as a `deliver`, or null. */
export function asDeliver(f: RecordedFrame | string): Deliver | null {
  const json = typeof f === 'string' ? parseJson(f) : f.json;
  if (json?.t !== 'deliver' || typeof json.from !== 'string' || typeof json.payload !== 'string') return null;
  return json as unknown as Deliver;
}

/** A recorded frame the relay sent to `to`, from `from`, whose payload is of `kind` (default sealed). */
export function isDeliver(f: RecordedFrame, to: string, from: string, kind: PayloadKind = 'sealed'): boolean {
  const d = asDeliver(f);
  return (
    f.dir === 'down' && f.deviceId === to && d !== null && d.from === from && payloadKind(d.payload) === kind
  );
}

/** A `deliver` frame as the relay would send it. */
export function deliverFrame(from: string, payload: string, ts = Date.now()): string {
  return JSON.stringify({ t: 'deliver', from, payload, ts });
}

/** The same `deliver` frame with another payload. */
export function withPayload(frame: string, payload: string): string {
  return JSON.stringify({ ...(asDeliver(frame) ?? {}), payload });
}

/** The same `deliver` frame claiming another sender (what a relay that lies about `from` sends). */
export function withFrom(frame: string, from: string): string {
  return JSON.stringify({ ...(asDeliver(frame) ?? {}), from });
}

/**
 * The payload with one byte XOR-ed (default: a byte in the middle, inside the AES-GCM
 * ciphertext of a sealed payload). The kind byte and length are kept, so the receiver
 * gets as far as its signature check.
 */
export function flipPayloadByte(payload: string, index?: number, mask = 0x5a): string {
  const bytes = fromB64u(payload);
  const i = index ?? Math.floor(bytes.length / 2);
  if (i <= 0 || i >= bytes.length)
    throw new RangeError(`byte ${i} is outside the ${bytes.length}-byte payload`);
  bytes[i] = (bytes[i] ?? 0) ^ mask;
  return toB64u(bytes);
}

/**
 * A tamper hook that flips a byte in every sealed payload delivered to `to` from `from`
 * (and counts them), passing everything else through.
 */
export function flipSealedTo(to: string, from: string): { tamper: Tamper; flipped: () => number } {
  let flipped = 0;
  return {
    flipped: () => flipped,
    tamper: (dir, frame, conn) => {
      const d = dir === 'down' && conn.deviceId === to ? asDeliver(frame) : null;
      if (!d || d.from !== from || payloadKind(d.payload) !== 'sealed') return frame;
      flipped++;
      return withPayload(frame, flipPayloadByte(d.payload));
    },
  };
}

/** A tamper hook that relabels every sealed delivery from `from` to `to` as coming from `claimed`. */
export function relabelSender(
  to: string,
  from: string,
  claimed: string,
): { tamper: Tamper; count: () => number } {
  let count = 0;
  return {
    count: () => count,
    tamper: (dir, frame, conn) => {
      const d = dir === 'down' && conn.deviceId === to ? asDeliver(frame) : null;
      if (!d || d.from !== from || payloadKind(d.payload) !== 'sealed') return frame;
      count++;
      return withFrom(frame, claimed);
    },
  };
}

// ------------------------------------------------------------------ devices behind the proxy

/** `devices.openCamera`, but opening the app through the hostile relay. */
export async function openCameraVia(
  devices: Devices,
  mitm: HostileRelay,
  // A still porch by default: nothing moves, so the camera sends no detection alerts, and
  // every frame from it that a test records belongs to the exchange under attack.
  clip: 'person-at-door' | 'empty-porch' | 'cat-passes' = 'empty-porch',
  name = 'camera',
): Promise<Device> {
  const camera = await devices.launch({ name, clip });
  // ...and no health reports (a test hook): they go to every paired viewer every minute.
  await camera.context.addInitScript(() => localStorage.setItem('doorpeer:health-reports', 'off'));
  await camera.page.goto(`${mitm.url}/#/camera`);
  await chooseRoleIfAsked(camera.page, 'choose-camera', 'pairing-code');
  await expect(camera.page.getByTestId('pairing-code')).toHaveText(PAIRING_CODE_PATTERN);
  return camera;
}

/** `devices.openViewer`, but opening the app through the hostile relay. */
export async function openViewerVia(devices: Devices, mitm: HostileRelay, name = 'viewer'): Promise<Device> {
  const viewer = await devices.launch({ name, clip: 'empty-porch', voice: 'owner-voice' });
  await viewer.page.goto(`${mitm.url}/#/viewer`);
  await chooseRoleIfAsked(viewer.page, 'choose-viewer', 'add-camera');
  await expect(viewer.page.getByTestId('add-camera')).toBeVisible();
  return viewer;
}

/**
 * A tamper hook that swaps payloads between two sessions for good: sealed deliveries to
 * `to` from `a` and from `b` are held until there is one of each, then forwarded in
 * pairs, each payload under the other sender's `from`. Nothing passes unswapped (a
 * leftover waits for a partner forever), so every forwarded one must be refused.
 */
export function swapSealedPairs(to: string, a: string, b: string): { tamper: Tamper; pairs: () => number } {
  const queues = new Map<string, Deliver[]>([
    [a, []],
    [b, []],
  ]);
  let pairs = 0;
  return {
    pairs: () => pairs,
    tamper: (dir, frame, conn) => {
      const d = dir === 'down' && conn.deviceId === to ? asDeliver(frame) : null;
      if (!d || !queues.has(d.from) || payloadKind(d.payload) !== 'sealed') return frame;
      queues.get(d.from)?.push(d);
      const fromA = queues.get(a)?.[0];
      const fromB = queues.get(b)?.[0];
      if (!fromA || !fromB) return null;
      queues.get(a)?.shift();
      queues.get(b)?.shift();
      pairs++;
      return [deliverFrame(a, fromB.payload, fromA.ts), deliverFrame(b, fromA.payload, fromB.ts)];
    },
  };
}

/** Frames whose text shows signaling content: SDP, ICE candidates or session messages. */
export function readableSignaling(mitm: HostileRelay): RecordedFrame[] {
  return mitm.recorded((f) => /a=fingerprint|m=video|candidate:|"k":"(watch|signal|end)"/.test(f.raw));
}
