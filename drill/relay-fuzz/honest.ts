/**
 * The honest side of the relay fuzzing drill, in its own process (forked by
 * `index.ts`, talking over the IPC channel) so that the fuzzer's bursts of
 * frame building never delay its timers or its reads: what it measures is the
 * relay's delay. Several pairs of authenticated devices send each other
 * numbered, timestamped messages at a steady rate; every delivery is checked
 * (right sender, right canary, not seen before) and timed.
 */
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { generateIdentity, signRelayChallenge, type Identity } from '../../src/shared/crypto/identity.ts';
import { PROTOCOL_VERSION, parseRelayFrame, type RelayFrame } from '../../src/shared/protocol.ts';
import { quantile } from '../../bench/lib/stats.ts';
import { SeededRandom } from '../lib/random.ts';
import { b64u } from './generators.ts';

export type HonestCommand =
  | { kind: 'start'; wsUrl: string; pairs: number; perClientHz: number; seed: number }
  | { kind: 'stop'; drainMs: number };

export interface HonestSecrets {
  ids: string[];
  publicKeys: string[];
  /** Every payload a client sends starts with its canary. */
  canaries: string[];
}

export interface HonestResult {
  sent: number;
  received: number;
  lost: number;
  duplicates: number;
  /** Deliveries that claimed to come from the partner but did not carry its canary and a sequence number it sent. */
  forged: number;
  /** Deliveries from devices that are not the partner (the fuzzer sends to honest IDs): expected, and ignored. */
  foreign: number;
  errors: Record<string, number>;
  /** Frames from the relay that are not valid relay frames. */
  invalidFrames: number;
  unexpectedCloses: string[];
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  over100Ms: number;
}

export type HonestReply =
  | { kind: 'ready'; secrets: HonestSecrets }
  | { kind: 'result'; result: HonestResult }
  | { kind: 'failed'; message: string };

const SEQ_DIGITS = 8;
const CANARY_CHARS = 22;

/**
 * A canary from the system's random source, never from the drill's seeded generator: mulberry32 is
 * one cycle of 2^32 states, and a seed is only a place on it, so the fuzzer's long random payloads
 * (a million frames, many of them 16 KB) walk over the very stretch a seeded canary came from. The
 * first long run reported exactly that as a "leak" of all eight canaries, in one fuzzer payload.
 */
const freshCanary = (): string => randomBytes(16).toString('base64url').slice(0, CANARY_CHARS);

class HonestClient {
  readonly sentAt: number[] = [];
  readonly seen = new Set<number>();
  partner: HonestClient | undefined;
  deviceId = '';
  ws: WebSocket | undefined;
  closing = false;

  constructor(
    readonly identity: Identity,
    readonly canary: string,
    readonly filler: string,
  ) {}
}

function reply(message: HonestReply): void {
  process.send?.(message);
}

/** Connect, answer the challenge, resolve with the device ID from `welcome`. */
function authenticate(
  client: HonestClient,
  wsUrl: string,
  onFrame: (f: RelayFrame) => void,
  onInvalid: () => void,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, { localAddress: '127.0.0.1' });
    client.ws = ws;
    ws.on('error', (err) => reject(err));
    ws.on('message', (data, isBinary) => {
      const parsed = isBinary ? null : parseRelayFrame(data.toString());
      if (!parsed?.ok) return onInvalid();
      const frame = parsed.frame;
      if (frame.t === 'challenge') {
        void signRelayChallenge(client.identity, frame.nonce).then((signature) =>
          ws.send(
            JSON.stringify({
              t: 'hello',
              v: PROTOCOL_VERSION,
              publicKey: client.identity.signPublic,
              signature,
            }),
          ),
        );
      } else if (frame.t === 'welcome') resolve(frame.deviceId);
      else onFrame(frame);
    });
  });
}

async function run(start: Extract<HonestCommand, { kind: 'start' }>): Promise<void> {
  const rng = new SeededRandom(start.seed);
  const clients: HonestClient[] = [];
  for (let i = 0; i < start.pairs * 2; i++) {
    clients.push(new HonestClient(await generateIdentity(), freshCanary(), b64u(rng, rng.int(60, 200))));
  }
  const result: HonestResult = {
    sent: 0,
    received: 0,
    lost: 0,
    duplicates: 0,
    forged: 0,
    foreign: 0,
    errors: {},
    invalidFrames: 0,
    unexpectedCloses: [],
    p50Ms: null,
    p99Ms: null,
    maxMs: null,
    over100Ms: 0,
  };
  const latencies: number[] = [];
  let drained: (() => void) | undefined;

  const onFrame = (client: HonestClient, frame: RelayFrame): void => {
    if (frame.t === 'error') {
      result.errors[frame.code] = (result.errors[frame.code] ?? 0) + 1;
      return;
    }
    if (frame.t !== 'deliver') return;
    const partner = client.partner;
    if (!partner || frame.from !== partner.deviceId) {
      result.foreign++;
      return;
    }
    const seq = frame.payload.startsWith(partner.canary)
      ? Number.parseInt(frame.payload.slice(CANARY_CHARS, CANARY_CHARS + SEQ_DIGITS), 36)
      : Number.NaN;
    const sentAt = partner.sentAt[seq];
    if (sentAt === undefined) {
      result.forged++;
      return;
    }
    if (client.seen.has(seq)) {
      result.duplicates++;
      return;
    }
    client.seen.add(seq);
    result.received++;
    const ms = performance.now() - sentAt;
    latencies.push(ms);
    if (ms > 100) result.over100Ms++;
    if (drained && result.received === result.sent) drained();
  };

  await Promise.all(
    clients.map(async (client) => {
      client.deviceId = await authenticate(
        client,
        start.wsUrl,
        (f) => onFrame(client, f),
        () => result.invalidFrames++,
      );
      client.ws?.on('close', (code, reason) => {
        if (!client.closing) result.unexpectedCloses.push(`${code} ${reason.toString()}`);
      });
    }),
  );
  for (let i = 0; i < clients.length; i += 2) {
    const a = clients[i] as HonestClient;
    const b = clients[i + 1] as HonestClient;
    a.partner = b;
    b.partner = a;
  }
  reply({
    kind: 'ready',
    secrets: {
      ids: clients.map((c) => c.deviceId),
      publicKeys: clients.map((c) => c.identity.signPublic),
      canaries: clients.map((c) => c.canary),
    },
  });

  // Each client on its own timer, started a little apart, so the sends are spread over the period.
  const periodMs = 1000 / start.perClientHz;
  const timers = clients.map((client, i) => {
    const send = (): void => {
      const seq = client.sentAt.length;
      const payload = `${client.canary}${seq.toString(36).padStart(SEQ_DIGITS, '0')}${client.filler}`;
      client.sentAt.push(performance.now());
      result.sent++;
      client.ws?.send(JSON.stringify({ t: 'send', to: client.partner?.deviceId, payload, ref: seq }));
    };
    let interval: NodeJS.Timeout | undefined;
    const first = setTimeout(() => (interval = setInterval(send, periodMs)), (periodMs * i) / clients.length);
    return () => {
      clearTimeout(first);
      clearInterval(interval);
    };
  });

  const stop = await new Promise<Extract<HonestCommand, { kind: 'stop' }>>((resolve) => {
    process.on('message', (m: HonestCommand) => {
      if (m.kind === 'stop') resolve(m);
    });
  });
  for (const clear of timers) clear();
  // Wait for the last deliveries: resolved by the delivery that completes the count, or given up after
  // `drainMs` (a bound on the wait, not a synchronisation: whatever has not arrived by then is lost).
  if (result.received < result.sent) {
    await new Promise<void>((resolve) => {
      const guard = setTimeout(resolve, stop.drainMs);
      drained = () => {
        clearTimeout(guard);
        resolve();
      };
    });
  }
  result.lost = result.sent - result.received;
  if (latencies.length > 0) {
    result.p50Ms = quantile(latencies, 0.5);
    result.p99Ms = quantile(latencies, 0.99);
    result.maxMs = Math.max(...latencies);
  }
  for (const client of clients) {
    client.closing = true;
    client.ws?.close(1000);
  }
  reply({ kind: 'result', result });
}

process.once('message', (m: HonestCommand) => {
  if (m.kind !== 'start') return reply({ kind: 'failed', message: `expected start, got ${m.kind}` });
  run(m).catch((err: unknown) =>
    reply({ kind: 'failed', message: err instanceof Error ? err.message : String(err) }),
  );
});
// The drill's parent going away (Ctrl-C, crash) takes this process with it.
process.on('disconnect', () => process.exit(0));
