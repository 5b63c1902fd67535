/**
 * Load generator, run as its own process (forked by `index.ts`, several per
 * contender) so that its CPU is not the server's. It holds many WebSocket
 * clients of one contender and, on command over IPC, either keeps them idle
 * or sends ~250-byte messages between its own pairs at a fixed rate, timing
 * each from send to delivery (both ends of a pair live in one process, so one
 * clock measures it).
 *
 * It is kept cheap so that it is not what limits the rate: frames are
 * pre-serialised (only the timestamp is spliced in), client frames use an
 * all-zero mask (ws then skips masking; the server unmasks as always) and
 * delivered frames are not JSON-parsed. The same for both contenders.
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
/** Client-to-server frames must be masked; an all-zero mask makes ws skip the XOR work on this side. */
const CLIENT_OPTIONS = {
  perMessageDeflate: false,
  skipUTF8Validation: true,
  generateMask: (mask: Buffer): void => {
    mask.fill(0);
  },
};

interface Client {
  ws: WebSocket;
  /** Device ID (Doorpeer) or peer ID (PeerJS) others address it by. */
  id: string;
}

let clients: Client[] = [];
const latencies: number[] = [];
let received = 0;
/** While draining: called once `received` reaches `expected`. */
let allReceived: (() => void) | null = null;
let expected = 0;
/** performance.now() when the current step began. */
let stepStart = 0;

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
  // Not finite, or a straggler from an earlier step: not this step's.
  if (!Number.isFinite(sentAt) || sentAt < stepStart) return;
  received++;
  latencies.push(performance.now() - sentAt);
  if (allReceived && received >= expected) allReceived();
}

function openDoorpeer(url: string, identity: Awaited<ReturnType<typeof generateIdentity>>): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, CLIENT_OPTIONS);
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
    const ws = new WebSocket(`${base}/peerjs?key=peerjs&id=${id}&token=${token}`, CLIENT_OPTIONS);
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

/**
 * What `JSON.stringify` of the frame to `to` would give, split around the timestamp:
 * `head + timestamp + tail`. Built once per direction, not per message.
 */
function framePartsFor(target: Target, to: string): [head: string, tail: string] {
  const tail = `x${PAYLOAD_PAD}"}`;
  return target === 'peerjs'
    ? [`{"type":"CANDIDATE","dst":${JSON.stringify(to)},"payload":"`, tail]
    : [`{"t":"send","to":${JSON.stringify(to)},"payload":"`, tail];
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
  // parts[2k] goes from client 2k to 2k+1, parts[2k+1] the other way.
  const parts = clients.map((_, i) => framePartsFor(target, clients[i ^ 1]!.id));
  let sent = 0;
  let turn = 0;
  const total = Math.round(rate * (durationMs / 1000));
  const start = performance.now();
  stepStart = start;
  await new Promise<void>((resolve) => {
    // One timer for all clients; each tick sends whatever is due since the last one.
    const timer = setInterval(() => {
      const elapsed = performance.now() - start;
      const due = Math.min(total, Math.floor((elapsed * rate) / 1000));
      while (sent < due) {
        // Alternate direction each round so every socket both sends and receives.
        const pair = turn % pairs;
        const from = Math.floor(turn / pairs) % 2 === 0 ? 2 * pair : 2 * pair + 1;
        turn++;
        const [head, tail] = parts[from]!;
        clients[from]!.ws.send(head + Math.round(performance.now() * 1000) + tail);
        sent++;
      }
      if (elapsed >= durationMs) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
  const sentWindowMs = performance.now() - start;
  // Stragglers: until everything arrived or the drain time is up (later than that counts as lost).
  if (received < sent) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, drainMs);
      expected = sent;
      allReceived = done;
      function done(): void {
        clearTimeout(timer);
        allReceived = null;
        resolve();
      }
    });
  }
  return {
    kind: 'rate',
    sent,
    received,
    sentPerSecond: (sent * 1000) / sentWindowMs,
    p50Ms: latencies.length ? quantile(latencies, 0.5) : null,
    p99Ms: latencies.length ? quantile(latencies, 0.99) : null,
    latencies: latencies.slice(),
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
