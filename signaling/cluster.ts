/**
 * Several relay processes acting as one, through Redis. Redis holds only
 * routing: which relay process a device ID is connected to
 * (`doorpeer:dev:<id>` -> relay ID, with a TTL refreshed while connected) and
 * which relay holds a pairing handle (`doorpeer:handle:<H>`). Each relay
 * subscribes to its own channel `doorpeer:relay:<relayId>`; a frame for a
 * device on another relay is PUBLISHed there carrying exactly what a single
 * relay would put in its `deliver` frame (from, to, opaque payload, ts).
 * Nothing is ever written to Redis that a single relay would not already see.
 *
 * If Redis is unreachable the relay keeps routing between its own devices;
 * cross-relay sends answer `recipient-offline` until Redis is back, and
 * `status()` (shown in stats, /health) says so.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { CLOSE_CODES, DEVICE_ID_PATTERN, LIMITS, PAIR_HANDLE_PATTERN } from '../src/shared/protocol.ts';
import type { Connection } from './connection.ts';
import type { Logger } from './log.ts';
import { TOMBSTONE_MS, type PairingHandles } from './pairing-handles.ts';
import type { RelayOptions } from './relay-options.ts';
import type { RelayCounters } from './stats.ts';

export type ClusterState = 'connecting' | 'up' | 'down';

export interface ClusterStats {
  state: ClusterState;
  relayId: string;
  /** Frames and knocks sent to other relays / received from them. */
  published: number;
  received: number;
}

/** What the cluster needs from the relay that owns it: local delivery and local devices. */
export interface ClusterHooks {
  deliverLocal(msg: { from: string; to: string; payload: string; ts: number }): void;
  knockLocal(msg: { handle: string; from: string; payload: string }): void;
  /** This device connected to another relay more recently: retire its socket here. */
  replaced(deviceId: string): void;
  /** Device IDs authenticated on this relay now, to re-register after Redis comes back. */
  localDevices(): Iterable<string>;
}

export interface ClusterOptions {
  url: string;
  relayId: string;
  log: Logger;
  hooks: ClusterHooks;
  /** How long a handle's record stays after it expires or closes, so late knocks hear "expired". */
  tombstoneMs: number;
  now: () => number;
}

export type KnockResult = 'sent' | 'expired' | 'unknown';
export type ClaimResult = 'claimed' | 'taken' | 'no-redis';

export const RELAY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
/** Presence records outlive a crashed relay by at most this long; refreshed every third of it. */
const PRESENCE_TTL_S = 60;
const START_TIMEOUT_MS = 5_000;
const TOMB = 'tomb';

/** Presence record of a device: which relay process it is connected to (also read by `push/held-redis.ts`). */
export const devKey = (id: string): string => `doorpeer:dev:${id}`;
const handleKey = (h: string): string => `doorpeer:handle:${h}`;
const channelOf = (relayId: string): string => `doorpeer:relay:${relayId}`;

const deviceId = z.string().regex(DEVICE_ID_PATTERN);
const payload = z.string().max(LIMITS.maxPayloadChars);
/** Messages between relays, validated on arrival like any other input crossing a wire. */
const RelayMessage = z.discriminatedUnion('k', [
  z.object({ k: z.literal('deliver'), from: deviceId, to: deviceId, payload, ts: z.number() }),
  z.object({ k: z.literal('knock'), handle: z.string().regex(PAIR_HANDLE_PATTERN), from: deviceId, payload }),
  z.object({ k: z.literal('replaced'), id: deviceId }),
]);
type RelayMessage = z.infer<typeof RelayMessage>;

// Lua keeps each check-and-act to one round trip and free of races between relays.
/** KEYS[1]=dev key, ARGV[1]=own relay ID, ARGV[2]=message: -1 if no other relay has the device, else PUBLISH's count. */
const ROUTE_LUA = `local r = redis.call('GET', KEYS[1])
if not r or r == ARGV[1] then return -1 end
return redis.call('PUBLISH', 'doorpeer:relay:' .. r, ARGV[2])`;
/** Delete / refresh a presence record only if it still names this relay (the device may have moved on). */
const DEL_IF_MINE_LUA = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;
const REFRESH_LUA = `local v = redis.call('GET', KEYS[1])
if not v or v == ARGV[1] then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) return 1 end
return 0`;
/** A closed handle keeps its key (and TTL) as a tombstone, so the code is not reused while knocks may still come. */
const TOMB_IF_MINE_LUA = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('SET', KEYS[1], '${TOMB}', 'KEEPTTL') end
return 0`;

interface Scripts {
  doorpeerRoute(key: string, self: string, msg: string): Promise<number>;
  doorpeerDelIfMine(key: string, self: string): Promise<number>;
  doorpeerRefresh(key: string, self: string, ttl: number): Promise<number>;
  doorpeerTombIfMine(key: string, value: string): Promise<number>;
}

export class Cluster {
  readonly relayId: string;
  readonly #pub: Redis & Scripts;
  readonly #sub: Redis;
  readonly #opts: ClusterOptions;
  readonly #ownHandles = new Map<string, string>();
  readonly #refreshTimer: NodeJS.Timeout;
  #state: ClusterState = 'connecting';
  #published = 0;
  #received = 0;
  #closed = false;

  constructor(opts: ClusterOptions) {
    this.#opts = opts;
    this.relayId = opts.relayId;
    // No offline queue on the command connection: while Redis is down a cross-relay send must fail now
    // (recipient-offline), not wait in memory. The subscriber keeps its queue so SUBSCRIBE waits for the connection.
    const base = { maxRetriesPerRequest: 1, connectionName: `doorpeer-${opts.relayId}` };
    this.#pub = new Redis(opts.url, { ...base, enableOfflineQueue: false }) as Redis & Scripts;
    this.#sub = new Redis(opts.url, { ...base, autoResubscribe: true });
    this.#pub.defineCommand('doorpeerRoute', { numberOfKeys: 1, lua: ROUTE_LUA });
    this.#pub.defineCommand('doorpeerDelIfMine', { numberOfKeys: 1, lua: DEL_IF_MINE_LUA });
    this.#pub.defineCommand('doorpeerRefresh', { numberOfKeys: 1, lua: REFRESH_LUA });
    this.#pub.defineCommand('doorpeerTombIfMine', { numberOfKeys: 1, lua: TOMB_IF_MINE_LUA });

    for (const client of [this.#pub, this.#sub]) {
      // ioredis reconnects by itself; errors only change the state we report.
      client.on('error', (err: Error) => this.#setState('down', err.message));
      client.on('close', () => this.#setState('down', 'connection closed'));
      client.on('ready', () => this.#checkUp());
    }
    this.#sub.on('messageBuffer', (_channel: Buffer, message: Buffer) => this.#onMessage(message));
    this.#sub.subscribe(channelOf(opts.relayId)).catch((err: unknown) => {
      this.#setState('down', (err as Error).message);
    });
    this.#refreshTimer = setInterval(() => this.#refreshAll(), (PRESENCE_TTL_S * 1000) / 3);
    this.#refreshTimer.unref();
  }

  /** Resolves when both connections are up, or when Redis has failed or not answered in time: never rejects. */
  async start(): Promise<void> {
    if (this.#state === 'up') return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, START_TIMEOUT_MS);
      const poll = setInterval(() => {
        if (this.#state !== 'connecting') done();
      }, 20);
      function done(): void {
        clearTimeout(timer);
        clearInterval(poll);
        resolve();
      }
    });
  }

  stats(): ClusterStats {
    return {
      state: this.#state,
      relayId: this.relayId,
      published: this.#published,
      received: this.#received,
    };
  }

  /** A device authenticated here: claim it, and retire its older socket on whichever relay held it. */
  async deviceOnline(id: string): Promise<void> {
    try {
      const previous = (await this.#pub.call(
        'SET',
        devKey(id),
        this.relayId,
        'EX',
        PRESENCE_TTL_S,
        'GET',
      )) as string | null;
      if (previous !== null && previous !== this.relayId) {
        await this.#publish(previous, { k: 'replaced', id });
      }
    } catch (err) {
      this.#commandFailed(err);
    }
  }

  async deviceOffline(id: string): Promise<void> {
    try {
      await this.#pub.doorpeerDelIfMine(devKey(id), this.relayId);
    } catch (err) {
      this.#commandFailed(err);
    }
  }

  /** Send to a device on another relay. False if no live relay has it (or Redis is down). */
  async route(msg: { from: string; to: string; payload: string; ts: number }): Promise<boolean> {
    try {
      const body = JSON.stringify({ k: 'deliver', ...msg } satisfies RelayMessage);
      const n = await this.#pub.doorpeerRoute(devKey(msg.to), this.relayId, body);
      if (n > 0) this.#published++;
      // 0 listeners: that relay died and its presence record has not expired yet.
      return n > 0;
    } catch (err) {
      this.#commandFailed(err);
      return false;
    }
  }

  /** Make a handle this relay just opened unique across relays. */
  async claimHandle(handle: string, expiresAt: number): Promise<ClaimResult> {
    const value = `${this.relayId} ${expiresAt}`;
    const ttl = Math.max(1, expiresAt - this.#opts.now()) + this.#opts.tombstoneMs;
    try {
      const ok = await this.#pub.set(handleKey(handle), value, 'PX', ttl, 'NX');
      if (ok !== 'OK') return 'taken';
      this.#ownHandles.set(handle, value);
      return 'claimed';
    } catch (err) {
      this.#commandFailed(err);
      return 'no-redis';
    }
  }

  /** The handle was closed or its camera left: tombstone it for every relay. */
  async releaseHandle(handle: string): Promise<void> {
    const value = this.#ownHandles.get(handle);
    if (value === undefined) return;
    this.#ownHandles.delete(handle);
    try {
      await this.#pub.doorpeerTombIfMine(handleKey(handle), value);
    } catch (err) {
      this.#commandFailed(err);
    }
  }

  /** A knock on a handle this relay does not hold: find the relay that does. */
  async knock(msg: { handle: string; from: string; payload: string }): Promise<KnockResult> {
    try {
      const record = await this.#pub.get(handleKey(msg.handle));
      if (record === null) return 'unknown';
      const [relayId, expiresAt] = record.split(' ');
      if (record === TOMB || relayId === undefined || Number(expiresAt) <= this.#opts.now()) return 'expired';
      // This relay's own handle that it no longer holds locally: its camera has just gone.
      if (relayId === this.relayId) return 'expired';
      return (await this.#publish(relayId, { k: 'knock', ...msg })) ? 'sent' : 'expired';
    } catch (err) {
      this.#commandFailed(err);
      return 'unknown';
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#refreshTimer);
    await Promise.all(
      [this.#pub, this.#sub].map(async (client) => {
        // QUIT waits for replies still in flight; a connection that is down has nothing to wait for.
        if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
        else client.disconnect();
      }),
    );
  }

  async #publish(relayId: string, msg: RelayMessage): Promise<boolean> {
    const n = await this.#pub.publish(channelOf(relayId), JSON.stringify(msg));
    if (n > 0) this.#published++;
    return n > 0;
  }

  #onMessage(raw: Buffer): void {
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      json = null;
    }
    const parsed = RelayMessage.safeParse(json);
    if (!parsed.success) {
      this.#opts.log.warn('cluster: ignored a malformed message on this relay channel');
      return;
    }
    this.#received++;
    const msg = parsed.data;
    switch (msg.k) {
      case 'deliver':
        return this.#opts.hooks.deliverLocal(msg);
      case 'knock':
        return this.#opts.hooks.knockLocal(msg);
      case 'replaced':
        return void this.#confirmReplaced(msg.id);
      default:
        msg satisfies never;
    }
  }

  /** The notice may be stale (the device came back here since): retire the socket only if Redis agrees. */
  async #confirmReplaced(id: string): Promise<void> {
    try {
      const owner = await this.#pub.get(devKey(id));
      if (owner !== null && owner !== this.relayId) this.#opts.hooks.replaced(id);
    } catch (err) {
      this.#commandFailed(err);
    }
  }

  #refreshAll(): void {
    if (this.#state !== 'up') return;
    const batch = this.#pub.pipeline();
    let n = 0;
    for (const id of this.#opts.hooks.localDevices()) {
      (batch as unknown as Scripts).doorpeerRefresh(devKey(id), this.relayId, PRESENCE_TTL_S);
      n++;
    }
    if (n > 0) batch.exec().catch((err: unknown) => this.#commandFailed(err));
  }

  #checkUp(): void {
    if (this.#closed || this.#pub.status !== 'ready' || this.#sub.status !== 'ready') return;
    this.#setState('up');
    // Redis may have restarted empty, or our records may have expired while it was unreachable.
    this.#refreshAll();
  }

  #setState(state: ClusterState, why?: string): void {
    if (this.#closed || state === this.#state) return;
    const was = this.#state;
    this.#state = state;
    if (state === 'up') this.#opts.log.info(`cluster: connected to Redis as relay ${this.relayId}`);
    else if (state === 'down')
      this.#opts.log.warn(
        `cluster: Redis unreachable (${why ?? 'unknown'}); serving devices on this relay only` +
          (was === 'connecting' ? '' : ' until it is back'),
      );
  }

  #commandFailed(err: unknown): void {
    // Command errors while the connection is up are bugs or Redis trouble worth one line; while down they are expected.
    if (this.#state === 'up') this.#opts.log.warn(`cluster: Redis command failed: ${(err as Error).message}`);
  }
}

/** A relay ID that is unique enough without configuration and still tells an operator which box it is. */
export function defaultRelayId(): string {
  const host =
    hostname()
      .replace(/[^A-Za-z0-9.-]/g, '')
      .slice(0, 40) || 'relay';
  return `${host}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** The relay's side of the cluster: null without `redisUrl`, else a `Cluster` wired to the relay's own maps. */
export function joinCluster(
  opts: RelayOptions,
  devices: Map<string, Connection>,
  pairing: PairingHandles<Connection>,
  counters: RelayCounters,
): Cluster | null {
  if (opts.redisUrl === null) return null;
  return new Cluster({
    url: opts.redisUrl,
    relayId: opts.relayId ?? defaultRelayId(),
    log: opts.log,
    tombstoneMs: TOMBSTONE_MS,
    now: opts.now,
    hooks: {
      deliverLocal({ from, to, payload, ts }) {
        const conn = devices.get(to);
        // Gone between the lookup on the sending relay and now: dropped, as a socket dying mid-send would drop it.
        if (!conn?.isOpen) return;
        conn.send({ t: 'deliver', from, payload, ts });
        counters.delivered++;
      },
      knockLocal({ handle, from, payload }) {
        const found = pairing.lookup(handle, opts.now());
        if (found.state !== 'live' || !found.owner.isOpen) return;
        found.owner.send({ t: 'pair-knocked', handle, from, payload });
        counters.knocksDelivered++;
      },
      replaced(id) {
        const conn = devices.get(id);
        if (!conn) return;
        counters.reject('replaced');
        conn.close(CLOSE_CODES.replaced, 'replaced by a newer connection of this device');
      },
      localDevices: () => devices.keys(),
    },
  });
}
