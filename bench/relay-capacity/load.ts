/**
 * Load generator, run as its own process (forked by `index.ts`) so that its
 * CPU is not the server's. It holds many WebSocket clients of one contender
 * and, on command over IPC, either keeps them idle or sends ~250-byte
 * messages between pairs at a fixed rate, timing each from send to delivery
 * (both ends live here, so one clock measures it).
 *
 * Doorpeer clients really authenticate: each has its own identity key pair
 * (generated before anything is timed) and signs the relay's challenge.
 * PeerJS clients do what the `peerjs` client does: open `/peerjs?key&id&token`.
 */
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { generateIdentity, signRelayChallenge } from '../../src/shared/crypto/identity.ts';
import { PROTOCOL_VERSION } from '../../src/shared/protocol.ts';
import { quantile } from '../lib/stats.ts';
import type { LoadCommand, LoadReply, Target } from './messages.ts';

const CONNECT_CONCURRENCY = 200;
const PAYLOAD_PAD = 'A'.repeat(230); // + timestamp digits: ~250 bytes of payload, as a sealed SDP fragment would be
const MARKER = '"payload":"';

interface Client {
  ws: WebSocket;
  /** Device ID (Doorpeer) or peer ID (PeerJS) others address it by. */
  id: string;
}

let clients: Client[] = [];
const latencies: number[] = [];
let received = 0;

function reply(msg: LoadReply): void {
  process.send?.(msg);
}

/** Pull the send time out of a delivered frame without a full JSON parse (same cost for both contenders). */
function onFrame(data: WebSocket.RawData): void {
  const text = data.toString();
  const at = text.indexOf(MARKER);
  if (at < 0) return;
  const end = text.indexOf('x', at + MARKER.length);
  const sentAt = Number(text.slice(at + MARKER.length, end)) / 1000;
  if (!Number.isFinite(sentAt)) return;
  received++;
  latencies.push(performance.now() - sentAt);
}

function openDoorpeer(url: string, identity: Awaited<ReturnType<typeof generateIdentity>>): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('error', reject);
    ws.once('close', (code) => reject(new Error(`closed ${code} before welcome`)));
    const onMessage = (data: WebSocket.RawData): void => {
      const frame = JSON.parse(data.toString()) as { t: string; nonce?: string; deviceId?: string };
      if (frame.t === 'challenge' && frame.nonce) {
        void signRelayChallenge(identity, frame.nonce).then((signature) =>
          ws.send(
            JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, publicKey: identity.signPublic, signature }),
          ),
        );
      } else if (frame.t === 'welcome' && frame.deviceId) {
        ws.off('message', onMessage);
        ws.removeAllListeners('close');
        ws.on('message', onFrame);
        resolve({ ws, id: frame.deviceId });
      }
    };
    ws.on('message', onMessage);
  });
}

function openPeerjs(base: string): Promise<Client> {
  const id = `bench-${randomBytes(8).toString('hex')}`;
  const token = randomBytes(6).toString('hex');
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base}/peerjs?key=peerjs&id=${id}&token=${token}`, {
      perMessageDeflate: false,
    });
    ws.once('error', reject);
    ws.once('close', (code) => reject(new Error(`closed ${code} before OPEN`)));
    ws.once('message', (data) => {
      const msg = JSON.parse(data.toString()) as { type: string };
      if (msg.type !== 'OPEN') return reject(new Error(`peer server said ${msg.type}`));
      ws.removeAllListeners('close');
      ws.on('message', onFrame);
      resolve({ ws, id });
    });
  });
}

/** Open `urls.length`-way round-robin connections, at most CONNECT_CONCURRENCY handshakes at a time. */
async function openMany(
  target: Target,
  urls: readonly string[],
  n: number,
): Promise<{ opened: Client[]; failed: number }> {
  // Identities first, untimed: key generation is the device's cost, not the relay's.
  const identities =
    target === 'peerjs' ? [] : await Promise.all(Array.from({ length: n }, () => generateIdentity()));
  const opened: Client[] = new Array<Client>(n);
  let failed = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < n; i = next++) {
      const url = urls[i % urls.length] as string;
      try {
        opened[i] = target === 'peerjs' ? await openPeerjs(url) : await openDoorpeer(url, identities[i]!);
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, worker));
  return { opened: opened.filter(Boolean), failed };
}

function frameFor(target: Target, to: string, payload: string): string {
  return target === 'peerjs'
    ? JSON.stringify({ type: 'CANDIDATE', dst: to, payload })
    : JSON.stringify({ t: 'send', to, payload });
}

/** Send `rate` messages/s for `durationMs` round-robin over the pairs, then wait for stragglers. */
async function runRate(
  target: Target,
  rate: number,
  durationMs: number,
  drainMs: number,
): Promise<LoadReply> {
  latencies.length = 0;
  received = 0;
  const pairs = clients.length / 2;
  let sent = 0;
  let turn = 0;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - start;
      const due = Math.min(rate * (durationMs / 1000), Math.floor((elapsed * rate) / 1000));
      while (sent < due) {
        // Alternate direction so every socket both sends and receives.
        const pair = turn % pairs;
        const [from, to] =
          (turn / pairs) % 2 < 1
            ? [clients[2 * pair]!, clients[2 * pair + 1]!]
            : [clients[2 * pair + 1]!, clients[2 * pair]!];
        turn++;
        from.ws.send(frameFor(target, to.id, `${Math.round(performance.now() * 1000)}x${PAYLOAD_PAD}`));
        sent++;
      }
      if (elapsed >= durationMs) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
  const sentWindowMs = performance.now() - start;
  // Stragglers: wait until everything arrived or the drain time is up (a message later than that is lost for our purposes).
  const drainUntil = performance.now() + drainMs;
  while (received < sent && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 10));
  const sorted = latencies.slice();
  return {
    kind: 'rate',
    sent,
    received,
    sentPerSecond: (sent * 1000) / sentWindowMs,
    p50Ms: sorted.length ? quantile(sorted, 0.5) : null,
    p99Ms: sorted.length ? quantile(sorted, 0.99) : null,
  };
}

async function closeAll(): Promise<void> {
  await Promise.all(
    clients.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.ws.readyState === WebSocket.CLOSED) return resolve();
          c.ws.once('close', () => resolve());
          c.ws.terminate();
        }),
    ),
  );
  clients = [];
}

process.on('message', (raw) => {
  const cmd = raw as LoadCommand;
  void (async () => {
    try {
      switch (cmd.kind) {
        case 'open': {
          const { opened, failed } = await openMany(cmd.target, cmd.urls, cmd.n);
          clients = opened;
          for (const c of clients) c.ws.on('error', () => {});
          return reply({ kind: 'opened', opened: opened.length, failed });
        }
        case 'rate':
          return reply(await runRate(cmd.target, cmd.rate, cmd.durationMs, cmd.drainMs));
        case 'close':
          await closeAll();
          return reply({ kind: 'closed' });
        default:
          cmd satisfies never;
      }
    } catch (err) {
      reply({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
    }
  })();
});
process.on('disconnect', () => process.exit(0));
reply({ kind: 'ready' });
