/**
 * Fuzzing sockets: each runs one hostile scenario against the relay and ends
 * when the socket is closed (by the relay, which is what a protocol violation
 * should get, or by the fuzzer once its frames are out). Every byte a fuzzing
 * socket receives goes through the leak scanner. The frames themselves come
 * from `generators.ts`; this file only does the I/O.
 */
import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';
import { signRelayChallenge, type Identity } from '../../src/shared/crypto/identity.ts';
import { PROTOCOL_VERSION } from '../../src/shared/protocol.ts';
import type { SeededRandom } from '../lib/random.ts';
import {
  FATAL_KINDS,
  backlogFrame,
  OPCODES,
  RAW_KINDS,
  TEXT_KINDS,
  badUpgrade,
  encodeFrame,
  rawFrames,
  textFrame,
  upgradeRequest,
  type FrameKind,
  type Targets,
  type TextKind,
} from './generators.ts';
import type { LeakScanner } from './leak.ts';

/** A socket that has not closed this long after its last frame is cut off and counted as stuck. */
const SOCKET_GUARD_MS = 20_000;

export const SCENARIOS = ['preauth', 'authed', 'raw', 'ping-flood', 'bad-upgrade', 'stalled-reader'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface FuzzEnv {
  host: string;
  port: number;
  path: string;
  targets: Targets;
  identities: readonly Identity[];
  scanner: LeakScanner;
  /** Frames written, by kind. */
  frames: Map<FrameKind, number>;
  sockets: Map<Scenario | 'slowloris', number>;
  /** Sockets the relay left open past the guard (a relay that stops answering would show up here). */
  stuck: { count: number };
  /** The largest backlog a stalled reader was sent before the relay let go of it, in bytes. */
  backlog: { maxBytes: number };
  /** Sockets send this many times fewer frames in the short run (1 in the long run). */
  shrink: number;
  signal: AbortSignal;
}

/** A whole number in [min, max] / shrink (at least 1 when max is). */
const sized = (rng: SeededRandom, env: FuzzEnv, min: number, max: number): number =>
  Math.max(Math.min(1, max), Math.round(rng.int(min, max) / env.shrink));

function count(env: FuzzEnv, kind: FrameKind, n = 1): void {
  env.frames.set(kind, (env.frames.get(kind) ?? 0) + n);
}

/** Resolves when `closed` fires, or after the guard (then counted as stuck and destroyed). */
function untilClosed(env: FuzzEnv, onClose: (done: () => void) => void, destroy: () => void): Promise<void> {
  return new Promise((resolve) => {
    const guard = setTimeout(() => {
      env.stuck.count++;
      destroy();
      resolve();
    }, SOCKET_GUARD_MS);
    const done = (): void => {
      clearTimeout(guard);
      env.signal.removeEventListener('abort', destroy);
      resolve();
    };
    env.signal.addEventListener('abort', destroy, { once: true });
    onClose(done);
  });
}

/** A batch of text-level frames, with at most one connection-ending frame, last. */
function textBatch(rng: SeededRandom, env: FuzzEnv, n: number, kinds: readonly TextKind[]) {
  const batch = Array.from({ length: n }, () => textFrame(rng, rng.pick(kinds), env.targets));
  if (rng.next() < 0.3) batch.push(textFrame(rng, rng.pick(FATAL_KINDS), env.targets));
  return batch;
}

/** Pick one scenario and run it on a fresh socket from `localAddress`; resolves with the frames it wrote. */
export async function runScenario(
  rng: SeededRandom,
  env: FuzzEnv,
  localAddress: string,
  scenario: Scenario,
): Promise<number> {
  env.sockets.set(scenario, (env.sockets.get(scenario) ?? 0) + 1);
  switch (scenario) {
    case 'preauth':
      return wsScenario(rng, env, localAddress, false);
    case 'authed':
      return wsScenario(rng, env, localAddress, true);
    case 'raw':
      return rawScenario(rng, env, localAddress, false);
    case 'ping-flood':
      return rawScenario(rng, env, localAddress, true);
    case 'bad-upgrade':
      return badUpgradeScenario(rng, env, localAddress);
    case 'stalled-reader':
      return stalledReader(rng, env, localAddress);
  }
}

/**
 * Over a client library socket: before authentication (the relay should close at the first frame that is
 * not a valid hello), or after authenticating with one of the fuzzer's own identities, where the relay
 * has leeway (20 malformed frames, a token bucket) and frames reach every handler.
 */
function wsScenario(
  rng: SeededRandom,
  env: FuzzEnv,
  localAddress: string,
  authenticate: boolean,
): Promise<number> {
  const ws = new WebSocket(`ws://${env.host}:${env.port}${env.path}`, { localAddress });
  const identity = rng.pick(env.identities);
  const batch = textBatch(
    rng,
    env,
    authenticate ? sized(rng, env, 50, 250) : sized(rng, env, 5, 120),
    TEXT_KINDS,
  );
  let written = 0;
  const fire = (): void => {
    for (const frame of batch) {
      if (ws.readyState !== WebSocket.OPEN) break;
      ws.send(frame.data, { binary: frame.binary });
      count(env, frame.kind);
      written++;
    }
    // Frames that do not end the connection leave it open: the fuzzer closes it once they are out.
    if (ws.readyState === WebSocket.OPEN) ws.close(1000);
  };
  ws.on('error', () => {});
  ws.on('open', () => {
    if (!authenticate) fire();
  });
  ws.on('message', (data: Buffer, isBinary) => {
    env.scanner.message(data, authenticate ? 'authed' : 'preauth');
    if (!authenticate || isBinary) return;
    const text = data.toString();
    if (text.startsWith('{"t":"challenge"')) {
      const nonce = (JSON.parse(text) as { nonce: string }).nonce;
      void signRelayChallenge(identity, nonce).then((signature) => {
        if (ws.readyState !== WebSocket.OPEN) return;
        ws.send(
          JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, publicKey: identity.signPublic, signature }),
        );
      });
    } else if (text.startsWith('{"t":"welcome"')) fire();
  });
  return untilClosed(
    env,
    (done) => ws.once('close', done),
    () => ws.terminate(),
  ).then(() => written);
}

/** A bare TCP socket that performs the upgrade, then resolves with the socket once the 101 is in. */
function rawUpgrade(
  rng: SeededRandom,
  env: FuzzEnv,
  localAddress: string,
  where: string,
): {
  socket: Socket;
  upgraded: Promise<boolean>;
  until(text: string): Promise<string | null>;
  received(): number;
} {
  const socket = connect({ host: env.host, port: env.port, localAddress });
  const stream = env.scanner.stream(where);
  socket.on('error', () => {});
  let head = '';
  let received = 0;
  const upgraded = new Promise<boolean>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      stream.push(chunk);
      received += chunk.length;
      if (head.length < 8192) {
        head += chunk.toString('latin1');
        if (head.includes('\r\n\r\n')) resolve(head.startsWith('HTTP/1.1 101'));
      }
    });
    socket.once('close', () => resolve(false));
  });
  // Text the relay sent so far (headers and the first frames, unmasked), for a raw socket that authenticates.
  const until = (text: string): Promise<string | null> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (head.includes(text)) {
          socket.off('data', check);
          socket.off('close', gone);
          resolve(head);
        }
      };
      const gone = (): void => resolve(null);
      socket.on('data', check);
      socket.once('close', gone);
      check();
    });
  socket.write(upgradeRequest(rng, `${env.host}:${env.port}`, env.path));
  return { socket, upgraded, until, received: () => received };
}

/**
 * Raw frames a client library would refuse to send, after a few well-formed fragments and pings; or a
 * ping flood, read by nobody for a while (the socket is paused), which is how a client makes a server
 * buffer pongs it never collects.
 */
async function rawScenario(
  rng: SeededRandom,
  env: FuzzEnv,
  localAddress: string,
  pingFlood: boolean,
): Promise<number> {
  const { socket, upgraded } = rawUpgrade(rng, env, localAddress, pingFlood ? 'ping-flood' : 'raw');
  let written = 0;
  const closed = untilClosed(
    env,
    (done) => socket.once('close', done),
    () => socket.destroy(),
  );
  if (!(await upgraded)) {
    socket.destroy();
    await closed;
    return 0;
  }
  const out: Uint8Array[] = [];
  const add = (kind: FrameKind, frames: Uint8Array[]): void => {
    out.push(...frames);
    count(env, kind, frames.length);
    written += frames.length;
  };
  if (pingFlood) {
    if (rng.next() < 0.5) socket.pause();
    for (let i = sized(rng, env, 200, 3000); i > 0; i--) add('ping', rawFrames(rng, 'ping', env.targets));
    add('bad-close', [
      encodeFrame({
        fin: true,
        rsv: 0,
        opcode: OPCODES.close,
        payload: new Uint8Array([3, 232]),
        mask: rng.bytes(4),
      }),
    ]);
  } else {
    for (let i = sized(rng, env, 0, 5); i > 0; i--)
      add('fragments', rawFrames(rng, 'fragments', env.targets));
    const kind = rng.pick(RAW_KINDS);
    add(kind, rawFrames(rng, kind, env.targets));
  }
  socket.write(Buffer.concat(out));
  // The fuzzer is done: half-close, read whatever the relay still says, and let it close the socket.
  socket.end();
  socket.resume();
  await closed;
  return written;
}

async function badUpgradeScenario(rng: SeededRandom, env: FuzzEnv, localAddress: string): Promise<number> {
  const socket = connect({ host: env.host, port: env.port, localAddress });
  const stream = env.scanner.stream('bad-upgrade');
  socket.on('error', () => {});
  socket.on('data', (chunk: Buffer) => stream.push(chunk));
  const closed = untilClosed(
    env,
    (done) => socket.once('close', done),
    () => socket.destroy(),
  );
  socket.write(badUpgrade(rng, `${env.host}:${env.port}`, env.path));
  socket.end();
  await closed;
  return 0;
}

/**
 * Slowloris: sockets that start an upgrade and send its headers one byte at a time, a byte every
 * `byteEveryMs`, never finishing, for as long as the drill runs. Each is replaced when the server
 * cuts it. The pacing is the attack itself, not a wait for something.
 */
export function slowloris(
  rng: SeededRandom,
  env: FuzzEnv,
  sockets: number,
  byteEveryMs: number,
): { stop(): Promise<number> } {
  const open = new Set<Socket>();
  let cut = 0;
  let stopping = false;
  const start = (i: number): void => {
    if (stopping) return;
    env.sockets.set('slowloris', (env.sockets.get('slowloris') ?? 0) + 1);
    const socket = connect({ host: env.host, port: env.port, localAddress: `127.3.0.${i + 1}` });
    const stream = env.scanner.stream('slowloris');
    open.add(socket);
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => stream.push(chunk));
    const request = upgradeRequest(rng, `${env.host}:${env.port}`, env.path);
    let at = 0;
    const timer = setInterval(() => {
      // Never the last byte: the request stays incomplete.
      if (at < request.length - 1) socket.write(request[at++] as string);
    }, byteEveryMs);
    socket.once('close', () => {
      clearInterval(timer);
      open.delete(socket);
      if (!stopping) {
        cut++;
        start(i);
      }
    });
  };
  for (let i = 0; i < sockets; i++) start(i);
  return {
    async stop() {
      stopping = true;
      await Promise.all(
        [...open].map((s) => new Promise<void>((resolve) => s.once('close', () => resolve()).destroy())),
      );
      return cut;
    },
  };
}

/**
 * A device that authenticates over a bare socket and then stops reading, while two to four of the
 * fuzzer's other devices send it frames of the largest size as fast as the relay lets them. The relay
 * must cut the reader off rather than queue for it without bound.
 */
async function stalledReader(rng: SeededRandom, env: FuzzEnv, localAddress: string): Promise<number> {
  const [reader, ...senders] = pickDistinct(rng, env.identities, rng.int(16, 20));
  if (!reader || senders.length === 0) return 0;
  const { socket, until, received } = rawUpgrade(rng, env, localAddress, 'stalled-reader');
  const closed = untilClosed(
    env,
    (done) => socket.once('close', done),
    () => socket.destroy(),
  );
  const seen = await until('"t":"challenge"');
  const nonce = seen === null ? undefined : /"nonce":"([A-Za-z0-9_-]+)"/.exec(seen)?.[1];
  if (nonce === undefined) {
    socket.destroy();
    await closed;
    return 0;
  }
  const signature = await signRelayChallenge(reader, nonce);
  const hello = JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, publicKey: reader.signPublic, signature });
  socket.write(
    encodeFrame({ fin: true, rsv: 0, opcode: OPCODES.text, payload: Buffer.from(hello), mask: rng.bytes(4) }),
  );
  const welcomed = (await until('"t":"welcome"')) !== null;
  socket.pause();
  let written = 0;
  if (welcomed) {
    const sent = await Promise.all(
      senders.map((identity, i) => {
        // About the relay's burst each: more would only be dropped by its rate limit.
        const frames = Array.from({ length: rng.int(55, 70) }, () => backlogFrame(rng, reader.deviceId));
        return authedSend(env, identity, localAddress.replace(/\.\d+$/, `.${200 + i}`), frames);
      }),
    );
    written = sent.reduce((a, b) => a + b, 0);
  }
  // Now read what the relay still had for it: all of it, if the relay never let go.
  const before = received();
  socket.end();
  socket.resume();
  await closed;
  env.backlog.maxBytes = Math.max(env.backlog.maxBytes, received() - before);
  return written;
}

function pickDistinct<T>(rng: SeededRandom, items: readonly T[], n: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < n && pool.length > 0) out.push(pool.splice(rng.int(0, pool.length - 1), 1)[0] as T);
  return out;
}

/** Authenticate as `identity`, send `frames` back to back, close; resolves with how many went out. */
function authedSend(
  env: FuzzEnv,
  identity: Identity,
  localAddress: string,
  frames: string[],
): Promise<number> {
  env.sockets.set('authed', (env.sockets.get('authed') ?? 0) + 1);
  const ws = new WebSocket(`ws://${env.host}:${env.port}${env.path}`, { localAddress });
  let written = 0;
  ws.on('error', () => {});
  ws.on('message', (data: Buffer) => {
    env.scanner.message(data, 'stalled-reader sender');
    const text = data.toString();
    if (text.startsWith('{"t":"challenge"')) {
      const nonce = (JSON.parse(text) as { nonce: string }).nonce;
      void signRelayChallenge(identity, nonce).then((signature) => {
        if (ws.readyState !== WebSocket.OPEN) return;
        ws.send(
          JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, publicKey: identity.signPublic, signature }),
        );
      });
    } else if (text.startsWith('{"t":"welcome"')) {
      for (const frame of frames) {
        if (ws.readyState !== WebSocket.OPEN) break;
        ws.send(frame);
        written++;
      }
      count(env, 'backlog', written);
      if (ws.readyState === WebSocket.OPEN) ws.close(1000);
    }
  });
  return untilClosed(
    env,
    (done) => ws.once('close', done),
    () => ws.terminate(),
  ).then(() => written);
}
