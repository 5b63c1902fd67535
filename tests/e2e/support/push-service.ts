/**
 * A real mock push service for tests: `web-push-testing` (npm), started as its own
 * process on a free loopback port. It speaks the Web Push protocol like FCM or
 * Mozilla's autopush: it hands out subscriptions (endpoint, p256dh, auth) for an
 * application server key, checks the VAPID `Authorization` header of every push
 * against that key, decrypts the `aes128gcm` body with the subscription's private
 * key and keeps the plaintext, which a test reads back. `expire` makes a
 * subscription answer 410 Gone. Used by the relay tests (node:test), the push e2e
 * spec (Playwright) and the push benchmark, so it depends on neither.
 *
 * Its endpoints are `http://localhost:PORT/notify/<hash>`: a relay must be started
 * with `--push-allow-origins http://localhost:PORT` to send there (the default
 * allowlist never allows http: or loopback).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { freePort } from './redis.ts';

const START_TIMEOUT_MS = 15_000;
const READY = /Server running on port (\d+)/;

export interface MockSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  /** The mock's name for it, to read its messages or expire it. */
  clientHash: string;
}

export interface MockPushService {
  /** `http://localhost:PORT`: add it to the relay's `--push-allow-origins`. */
  origin: string;
  port: number;
  /** A subscription as a browser's push manager would get one for this application server key. */
  subscribe(applicationServerKey: string): Promise<MockSubscription>;
  /** Plaintexts of every push accepted for the subscription (decrypted by the mock), oldest first. */
  messages(clientHash: string): Promise<string[]>;
  /** From now on pushes to this subscription get 410 Gone. */
  expire(clientHash: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startMockPushService(): Promise<MockPushService> {
  const port = await freePort();
  const script = createRequire(import.meta.url).resolve('web-push-testing/src/bin/server.js');
  const child: ChildProcess = spawn(process.execPath, [script, String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`web-push-testing did not start in ${START_TIMEOUT_MS} ms: ${output.slice(-500)}`));
    }, START_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-4000);
      if (READY.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    // It logs refused VAPID tokens on stderr; keep draining so it never blocks.
    child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web-push-testing exited (${code}) before it was ready: ${output.slice(-500)}`));
    });
  });
  const origin = `http://localhost:${port}`;

  const post = async (path: string, body: unknown): Promise<unknown> => {
    const res = await fetch(`${origin}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`web-push-testing ${path}: HTTP ${res.status} ${await res.text()}`);
    const text = await res.text();
    return text ? (JSON.parse(text) as unknown) : null;
  };

  return {
    origin,
    port,
    async subscribe(applicationServerKey) {
      // `userVisibleOnly` goes as the string the mock expects (it compares with 'true').
      const r = (await post('/subscribe', { applicationServerKey, userVisibleOnly: 'true' })) as {
        data: MockSubscription;
      };
      return r.data;
    },
    async messages(clientHash) {
      const r = (await post('/get-notifications', { clientHash })) as { data: { messages: string[] } };
      return r.data.messages;
    },
    async expire(clientHash) {
      const res = await fetch(`${origin}/expire-subscription/${clientHash}`, { method: 'POST' });
      await res.text();
      if (!res.ok) throw new Error(`web-push-testing expire: HTTP ${res.status}`);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
