/**
 * Test helpers for relay tests: a real server on port 0 serving a throwaway
 * dist directory, and a small WebSocket client that authenticates with a real
 * identity and lets a test await frames (`next`) or the close (`closed`).
 * Every wait is event-driven and guarded by a timeout, so a missing frame
 * fails the test with a message instead of hanging it.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import WebSocket from 'ws';
import { generateIdentity, signRelayChallenge, type Identity } from '../../src/shared/crypto/identity.ts';
import { PROTOCOL_VERSION, RELAY_PATH, parseRelayFrame, type RelayFrame } from '../../src/shared/protocol.ts';
import { silentLogger } from '../../signaling/log.ts';
import { startServer, type RunningServer, type ServerOptions } from '../../signaling/server.ts';
import type { RelayEvents } from '../../signaling/relay.ts';

export const WAIT_MS = 5_000;

export const INDEX_HTML = '<!doctype html><title>Doorpeer test</title><div id="app"></div>';

/** A throwaway `dist/` with the files whose caching rules differ. */
export function makeDist(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'doorpeer-dist-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX_HTML);
  writeFileSync(join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {});');
  writeFileSync(join(dir, 'manifest.webmanifest'), '{"name":"Doorpeer"}');
  writeFileSync(join(dir, 'assets', 'index-3f9a1c.js'), 'console.log("app");');
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestServer extends RunningServer {
  wsUrl: string;
  distDir: string;
  /** Stop the server and remove its dist dir. */
  stop(): Promise<void>;
}

export async function startTestServer(opts: ServerOptions = {}): Promise<TestServer> {
  const dist = makeDist();
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    distDir: dist.dir,
    log: silentLogger,
    ...opts,
  });
  return {
    ...server,
    wsUrl: `ws://127.0.0.1:${server.port}${RELAY_PATH}`,
    distDir: dist.dir,
    async stop() {
      await server.close();
      dist.cleanup();
    },
  };
}

export function withTimeout<T>(promise: Promise<T>, what: string, ms = WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Resolves on the next relay lifecycle event of this kind that matches `pred`
 * (e.g. "the relay has processed a close with code 4003"). Call it before
 * causing the event.
 */
export function relayEvent<K extends keyof RelayEvents>(
  server: RunningServer,
  event: K,
  pred: (...args: RelayEvents[K]) => boolean = () => true,
): Promise<RelayEvents[K]> {
  const emitter = server.relay.events;
  let listener: ((...args: RelayEvents[K]) => void) | undefined;
  const seen = new Promise<RelayEvents[K]>((resolve) => {
    listener = (...args) => {
      if (pred(...args)) resolve(args);
    };
    (emitter as unknown as NodeJS.EventEmitter).on(event, listener as (...a: unknown[]) => void);
  });
  return withTimeout(seen, `relay event ${event}`).finally(() =>
    (emitter as unknown as NodeJS.EventEmitter).off(event, listener as (...a: unknown[]) => void),
  );
}

/** Wait, close event by close event, until the relay's stats satisfy `pred` (e.g. all but one socket gone). */
export async function relayStatsUntil(
  server: RunningServer,
  pred: (stats: ReturnType<RunningServer['relay']['stats']>) => boolean,
): Promise<void> {
  // Checking and subscribing happen in the same tick, so no close can slip between them.
  while (!pred(server.relay.stats())) await relayEvent(server, 'closed');
}

export interface Closed {
  code: number;
  reason: string;
}

export class TestClient {
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<Closed>;
  /** Frames received but not yet taken by `next`. */
  readonly #inbox: RelayFrame[] = [];
  #waiters: { pred: (f: RelayFrame) => boolean; resolve: (f: RelayFrame) => void }[] = [];
  #closedWith: Closed | undefined;
  /** Every frame ever received, for assertions that something did NOT arrive. */
  readonly received: RelayFrame[] = [];

  constructor(url: string, options: WebSocket.ClientOptions = {}) {
    this.ws = new WebSocket(url, options);
    this.opened = withTimeout(
      once(this.ws, 'open').then(() => undefined),
      'socket open',
    );
    this.closed = new Promise<Closed>((resolve) => {
      this.ws.on('close', (code, reason) => {
        this.#closedWith = { code, reason: reason.toString() };
        resolve(this.#closedWith);
      });
    });
    // Errors surface through `opened`/`closed`; without a listener they would crash the test process.
    this.ws.on('error', () => {});
    this.ws.on('message', (data, isBinary) => {
      const parsed = isBinary ? null : parseRelayFrame(data.toString());
      if (!parsed?.ok) throw new Error(`relay sent an invalid frame: ${data.toString().slice(0, 200)}`);
      this.received.push(parsed.frame);
      const i = this.#waiters.findIndex((w) => w.pred(parsed.frame));
      if (i >= 0) {
        const [w] = this.#waiters.splice(i, 1);
        w?.resolve(parsed.frame);
      } else {
        this.#inbox.push(parsed.frame);
      }
    });
  }

  /** The first frame (already received or still to come) that matches; fails if the socket closes first. */
  next<T extends RelayFrame['t']>(t: T, pred: (f: Extract<RelayFrame, { t: T }>) => boolean = () => true) {
    type F = Extract<RelayFrame, { t: T }>;
    const match = (f: RelayFrame): boolean => f.t === t && pred(f as F);
    const i = this.#inbox.findIndex(match);
    if (i >= 0) return Promise.resolve(this.#inbox.splice(i, 1)[0] as F);
    const arrived = new Promise<F>((resolve, reject) => {
      this.#waiters.push({ pred: match, resolve: (f) => resolve(f as F) });
      void this.closed.then((c) => {
        // Give frames that arrived just before the close a chance to match first.
        setImmediate(() => reject(new Error(`socket closed (${c.code} ${c.reason}) while waiting for ${t}`)));
      });
    });
    return withTimeout(arrived, `frame ${t}`);
  }

  /** Shortcut for the next error frame with this code. */
  nextError(code: string) {
    return this.next('error', (f) => f.code === code);
  }

  sendJson(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  waitClosed(): Promise<Closed> {
    return withTimeout(this.closed, 'socket close');
  }

  async close(): Promise<void> {
    if (this.#closedWith) return;
    this.ws.close(1000);
    await this.waitClosed();
  }
}

/** Connect and wait for the challenge without answering it. */
export async function connectRaw(
  url: string,
  options: WebSocket.ClientOptions = {},
): Promise<{ client: TestClient; nonce: string }> {
  const client = new TestClient(url, options);
  await client.opened;
  const challenge = await client.next('challenge');
  return { client, nonce: challenge.nonce };
}

/** Connect, answer the challenge with `identity` and wait for `welcome`. */
export async function connectAs(
  url: string,
  identity?: Identity,
  options: WebSocket.ClientOptions = {},
): Promise<{ client: TestClient; identity: Identity; deviceId: string }> {
  const id = identity ?? (await generateIdentity());
  const { client, nonce } = await connectRaw(url, options);
  client.sendJson(await helloFor(id, nonce));
  const welcome = await client.next('welcome');
  return { client, identity: id, deviceId: welcome.deviceId };
}

export async function helloFor(identity: Identity, nonce: string) {
  return {
    t: 'hello',
    v: PROTOCOL_VERSION,
    publicKey: identity.signPublic,
    signature: await signRelayChallenge(identity, nonce),
  } as const;
}

/** Outcome of an upgrade the server refuses before the handshake: its HTTP status. */
export function upgradeStatus(url: string, options: WebSocket.ClientOptions = {}): Promise<number> {
  return withTimeout(
    new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(url, options);
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
        ws.terminate();
      });
      ws.on('open', () => {
        resolve(101);
        ws.close();
      });
      ws.on('error', (err) => reject(err));
    }),
    'upgrade response',
  );
}

/** A fake clock for pairing expiry and knock windows. */
export function fakeClock(start = 1_700_000_000_000) {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}
