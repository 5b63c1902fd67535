/**
 * Held "camera offline" pushes in Redis, shared by every relay process of one
 * deployment (`--redis-url`), each record with an expiry:
 *
 *   doorpeer:push:held:<camera>    hash  key -> JSON of the held push (opaque ciphertext inside)
 *   doorpeer:push:cams             set   cameras with held pushes
 *   doorpeer:push:gone:<camera>    ms since epoch when a relay first saw the camera gone
 *   doorpeer:push:fired:<camera>   hash  key -> sent | gone, and `@at`
 *
 * Whether a camera is connected anywhere is its presence record of `cluster.ts`
 * (`doorpeer:dev:<id>`, kept by whichever relay holds its socket and expiring
 * 60 s after that relay dies). `take` is one Lua script, so of several relays
 * sweeping at once exactly one sends each held push.
 */
import { Redis } from 'ioredis';
import { devKey } from '../cluster.ts';
import type { Logger } from '../log.ts';
import type { FiredRecord, HeldPush, HeldStore } from './held-store.ts';

const heldKey = (camera: string): string => `doorpeer:push:held:${camera}`;
const goneKey = (camera: string): string => `doorpeer:push:gone:${camera}`;
const firedKey = (camera: string): string => `doorpeer:push:fired:${camera}`;
const CAMS = 'doorpeer:push:cams';
/** Held pushes outlive their delay by a day: enough for any relay to send them, bounded for Redis. */
const HELD_EXTRA_S = 86_400;
const GONE_TTL_S = 2 * 86_400;
const FIRED_TTL_S = 7 * 86_400;

const PUT_LUA = `if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('SADD', KEYS[2], ARGV[5])
return 1`;
const TAKE_LUA = `local v = redis.call('HGET', KEYS[1], ARGV[1])
if v then redis.call('HDEL', KEYS[1], ARGV[1]) end
return v`;
const GONE_LUA = `local v = redis.call('GET', KEYS[1])
if v then return v end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return ARGV[1]`;
const TAKE_FIRED_LUA = `local v = redis.call('HGETALL', KEYS[1])
redis.call('DEL', KEYS[1])
return v`;

interface Scripts {
  doorpeerHeldPut(
    k: string,
    cams: string,
    f: string,
    v: string,
    max: number,
    ttl: number,
    cam: string,
  ): Promise<number>;
  doorpeerHeldTake(k: string, f: string): Promise<string | null>;
  doorpeerGoneSince(k: string, now: string, ttl: number): Promise<string>;
  doorpeerTakeFired(k: string): Promise<string[]>;
}

export class RedisHeldStore implements HeldStore {
  readonly #redis: Redis & Scripts;

  constructor(
    url: string,
    private readonly maxPerCamera: number,
    log: Logger,
  ) {
    this.#redis = new Redis(url, {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
      connectionName: 'doorpeer-push',
    }) as Redis & Scripts;
    let warned = false;
    this.#redis.on('error', (err: Error) => {
      if (!warned) log.warn(`push: Redis unreachable (${err.message}); held offline pushes wait for it`);
      warned = true;
    });
    this.#redis.on('ready', () => (warned = false));
    this.#redis.defineCommand('doorpeerHeldPut', { numberOfKeys: 2, lua: PUT_LUA });
    this.#redis.defineCommand('doorpeerHeldTake', { numberOfKeys: 1, lua: TAKE_LUA });
    this.#redis.defineCommand('doorpeerGoneSince', { numberOfKeys: 1, lua: GONE_LUA });
    this.#redis.defineCommand('doorpeerTakeFired', { numberOfKeys: 1, lua: TAKE_FIRED_LUA });
  }

  async put(camera: string, key: string, held: HeldPush): Promise<boolean> {
    const ttl = Math.ceil(held.afterMs / 1000) + HELD_EXTRA_S;
    const n = await this.#redis.doorpeerHeldPut(
      heldKey(camera),
      CAMS,
      key,
      JSON.stringify(held),
      this.maxPerCamera,
      ttl,
      camera,
    );
    return n === 1;
  }

  async release(camera: string, key?: string): Promise<void> {
    if (key === undefined) await this.#redis.del(heldKey(camera));
    else await this.#redis.hdel(heldKey(camera), key);
  }

  async cameras(): Promise<string[]> {
    return this.#redis.smembers(CAMS);
  }

  async has(camera: string): Promise<boolean> {
    return (await this.#redis.sismember(CAMS, camera)) === 1;
  }

  async list(camera: string): Promise<Map<string, HeldPush>> {
    const all = await this.#redis.hgetall(heldKey(camera));
    const out = new Map<string, HeldPush>();
    for (const [key, json] of Object.entries(all)) {
      const held = parseHeld(json);
      if (held) out.set(key, held);
    }
    // Expired or emptied: the camera no longer needs sweeping.
    if (out.size === 0) await this.#redis.srem(CAMS, camera);
    return out;
  }

  async take(camera: string, key: string): Promise<HeldPush | null> {
    const json = await this.#redis.doorpeerHeldTake(heldKey(camera), key);
    return json === null ? null : parseHeld(json);
  }

  async goneSince(camera: string, now: number): Promise<number> {
    return Number(await this.#redis.doorpeerGoneSince(goneKey(camera), String(now), GONE_TTL_S));
  }

  async clearGone(camera: string): Promise<void> {
    await this.#redis.del(goneKey(camera));
  }

  async markFired(camera: string, key: string, gone: boolean, now: number): Promise<void> {
    await this.#redis
      .multi()
      .hset(firedKey(camera), key, gone ? 'gone' : 'sent', '@at', String(now))
      .expire(firedKey(camera), FIRED_TTL_S)
      .exec();
  }

  async takeFired(camera: string): Promise<FiredRecord | null> {
    const flat = await this.#redis.doorpeerTakeFired(firedKey(camera));
    if (!flat.length) return null;
    const rec: FiredRecord = { keys: [], gone: [], at: 0 };
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const [field, value] = [flat[i] as string, flat[i + 1] as string];
      if (field === '@at') rec.at = Number(value);
      else (value === 'gone' ? rec.gone : rec.keys).push(field);
    }
    return rec;
  }

  /** Is the camera connected to any relay process (its presence record exists)? */
  async online(camera: string): Promise<boolean> {
    return (await this.#redis.exists(devKey(camera))) === 1;
  }

  async close(): Promise<void> {
    if (this.#redis.status === 'ready') await this.#redis.quit().catch(() => this.#redis.disconnect());
    else this.#redis.disconnect();
  }
}

function parseHeld(json: string): HeldPush | null {
  try {
    const v = JSON.parse(json) as HeldPush;
    return typeof v.endpoint === 'string' && typeof v.body === 'string' ? v : null;
  } catch {
    return null;
  }
}
