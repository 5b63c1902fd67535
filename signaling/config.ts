/**
 * Server options from command-line flags and environment variables. Pure:
 * takes argv and env, returns options or throws a `ConfigError` naming the
 * flag, so `cli.ts` can print it and exit 2.
 */
import { z } from 'zod';
import { IceServer } from '../src/shared/protocol.ts';
import { RELAY_ID_PATTERN } from './cluster.ts';
import { normalizeOrigin } from './origin.ts';
import { DEFAULT_TURN_TTL_S, type TurnConfig } from './turn.ts';
import type { ServerOptions } from './server.ts';
import type { HttpsSettings } from './tls.ts';

export type ConfigErrorCode = 'unknown-flag' | 'missing-value' | 'bad-value';

export class ConfigError extends Error {
  constructor(
    readonly code: ConfigErrorCode,
    readonly flag: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Web Push settings from flags and environment (issue 13); `cli.ts` turns them into
 * `ServerOptions.push`, reading or making the VAPID key in the state directory.
 */
export interface PushSettings {
  /** `--no-push` / `DOORPEER_PUSH=0` turns push off entirely. */
  enabled: boolean;
  /** Both or neither: the operator's own VAPID key pair. */
  vapidPublicKey?: string;
  vapidPrivateKey?: string;
  vapidSubject?: string;
  /** Where a VAPID key made at first start is kept (`--state-dir`). */
  stateDir?: string;
  /** Origins added to the push service allowlist (tests, self-hosted push services). */
  allowOrigins: string[];
  /** The shortest "camera offline" delay a camera may ask for. */
  minOfflineMs?: number;
}

/** `https` set means serve HTTPS; `cli.ts` turns it into `ServerOptions.tls` (reading or making a certificate). */
export type Config = ServerOptions & { help: boolean; https?: HttpsSettings; pushSettings: PushSettings };

export const USAGE = `Usage: npm start -- [flags]

  --port N                 port to listen on (env PORT; default 8080; 0 = any free port)
  --host NAME              address to bind (env HOST; default localhost)
  --dist DIR               built app to serve (default dist/)
  --https                  serve app and relay over HTTPS/WSS (env DOORPEER_HTTPS=1); without
                           --cert/--key a self-signed certificate is made and kept in --state-dir
  --cert FILE              your own PEM certificate (chain) for HTTPS; implies --https (env DOORPEER_CERT)
  --key FILE               its PEM private key (env DOORPEER_KEY)
  --state-dir DIR          where the self-signed certificate is kept (env DOORPEER_STATE_DIR;
                           default $XDG_CONFIG_HOME/doorpeer or ~/.config/doorpeer)
  --ice-servers JSON       RTCIceServer array for devices, e.g. your own TURN server
                           (env DOORPEER_ICE_SERVERS; default [] = no STUN/TURN at all)
  --allowed-origins LIST   comma-separated extra browser origins allowed to connect
  --turn-secret SECRET     coturn static-auth-secret; devices get short-lived TURN credentials
                           (env DOORPEER_TURN_SECRET, preferred: flags show up in ps)
  --turn-urls LIST         comma-separated turn:/turns: URLs of that coturn (env DOORPEER_TURN_URLS)
  --turn-ttl-s N           TURN credential lifetime in seconds (env DOORPEER_TURN_TTL_S; default 3600)
  --ice-transport-policy P all (default) or relay: media only through TURN
                           (env DOORPEER_ICE_TRANSPORT_POLICY)
  --redis-url URL          Redis shared by several relay processes, e.g. redis://10.0.0.5:6379
                           (env DOORPEER_REDIS_URL; default none = this process alone)
  --relay-id NAME          this process's name in Redis (env DOORPEER_RELAY_ID; default host-pid-random)
  --max-conn-per-ip N      WebSocket connections per IP address (default 20)
  --rate N                 frames per second per connection (default 30)
  --burst N                frames allowed in a burst (default 60)
  --ping-interval-ms N     WebSocket ping interval (default 15000)
  --auth-timeout-ms N      time a new connection has to authenticate (default 10000)
  --pair-ttl-ms N          lifetime of a pairing code (default 300000)
  --knocks-per-minute N    pairing attempts per IP per minute (default 10)
  --no-push                turn Web Push off entirely: no push service is ever contacted (env DOORPEER_PUSH=0)
  --vapid-public-key KEY   the relay's VAPID public key, base64url (env DOORPEER_VAPID_PUBLIC_KEY; default:
                           made at first start and kept in --state-dir as vapid.json, mode 0600)
  --vapid-private-key KEY  its private key, base64url (env DOORPEER_VAPID_PRIVATE_KEY, preferred)
  --vapid-subject URL      mailto: or https: contact in the VAPID token (env DOORPEER_VAPID_SUBJECT)
  --push-allow-origins L   comma-separated origins added to the push service allowlist, e.g. a
                           self-hosted push service or a test server; http: and loopback allowed
                           here only (env DOORPEER_PUSH_ALLOW_ORIGINS)
  --push-min-offline-ms N  shortest "camera offline" delay a camera may set (env
                           DOORPEER_PUSH_MIN_OFFLINE_MS; default 60000)
  --help                   show this text
`;

type IntFlag =
  | 'max-conn-per-ip'
  | 'rate'
  | 'burst'
  | 'ping-interval-ms'
  | 'auth-timeout-ms'
  | 'pair-ttl-ms'
  | 'knocks-per-minute';

type IntOption =
  'maxConnPerIp' | 'rate' | 'burst' | 'pingIntervalMs' | 'authTimeoutMs' | 'pairTtlMs' | 'knocksPerMinute';

const INT_FLAGS: Record<IntFlag, IntOption> = {
  'max-conn-per-ip': 'maxConnPerIp',
  rate: 'rate',
  burst: 'burst',
  'ping-interval-ms': 'pingIntervalMs',
  'auth-timeout-ms': 'authTimeoutMs',
  'pair-ttl-ms': 'pairTtlMs',
  'knocks-per-minute': 'knocksPerMinute',
};

const OTHER_FLAGS = [
  'port',
  'host',
  'dist',
  'ice-servers',
  'allowed-origins',
  'turn-secret',
  'turn-urls',
  'turn-ttl-s',
  'ice-transport-policy',
  'redis-url',
  'relay-id',
  'cert',
  'key',
  'state-dir',
  'vapid-public-key',
  'vapid-private-key',
  'vapid-subject',
  'push-allow-origins',
  'push-min-offline-ms',
] as const;
type OtherFlag = (typeof OTHER_FLAGS)[number];

const isIntFlag = (name: string): name is IntFlag => Object.hasOwn(INT_FLAGS, name);
const isOtherFlag = (name: string): name is OtherFlag => (OTHER_FLAGS as readonly string[]).includes(name);

export function parseConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Config {
  const flags = readFlags(argv);
  const config: Config = { help: flags.has('help'), pushSettings: parsePush(flags, env) };

  const port = flags.get('port') ?? envValue(env, 'PORT');
  const portLabel = flags.has('port') ? '--port' : '--port (from env PORT)';
  config.port = port === undefined ? 8080 : parseInteger('--port', port, 0, 65535, portLabel);

  const host = flags.get('host') ?? envValue(env, 'HOST');
  if (host !== undefined) {
    if (!/^[A-Za-z0-9.:[\]-]+$/.test(host))
      throw bad('--host', `--host: not a host name or address: ${host}`);
    config.host = host.replace(/^\[(.*)\]$/, '$1');
  }

  const dist = flags.get('dist');
  if (dist !== undefined) config.distDir = dist;

  const ice = flags.get('ice-servers') ?? envValue(env, 'DOORPEER_ICE_SERVERS');
  if (ice !== undefined) config.iceServers = parseIceServers(ice);

  const origins = flags.get('allowed-origins');
  if (origins !== undefined) config.allowedOrigins = parseOrigins(origins, '--allowed-origins');

  const turn = parseTurn(flags, env);
  if (turn !== null) config.turn = turn;
  const policy = flags.get('ice-transport-policy') ?? envValue(env, 'DOORPEER_ICE_TRANSPORT_POLICY');
  if (policy !== undefined) {
    if (policy !== 'all' && policy !== 'relay')
      throw bad(
        '--ice-transport-policy',
        `--ice-transport-policy: expected "all" or "relay", got "${policy}"`,
      );
    if (policy === 'relay' && turn === null && !config.iceServers?.length)
      throw bad('--ice-transport-policy', '--ice-transport-policy relay needs a TURN server (--turn-urls)');
    config.iceTransportPolicy = policy;
  }

  const redisUrl = flags.get('redis-url') ?? envValue(env, 'DOORPEER_REDIS_URL');
  if (redisUrl !== undefined) config.redisUrl = parseRedisUrl(redisUrl);
  const relayId = flags.get('relay-id') ?? envValue(env, 'DOORPEER_RELAY_ID');
  if (relayId !== undefined) {
    if (!RELAY_ID_PATTERN.test(relayId))
      throw bad(
        '--relay-id',
        `--relay-id: use 1 to 64 letters, digits, dots, dashes or underscores, got "${relayId}"`,
      );
    config.relayId = relayId;
  }

  const https = parseHttps(flags, env);
  if (https) config.https = https;

  for (const flag of Object.keys(INT_FLAGS) as IntFlag[]) {
    const value = flags.get(flag);
    if (value !== undefined)
      config[INT_FLAGS[flag]] = parseInteger(`--${flag}`, value, 1, Number.MAX_SAFE_INTEGER);
  }
  return config;
}

/** `--name value` and `--name=value`; `--help` and `--https` take no value. */
function readFlags(argv: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      out.set('help', '');
      continue;
    }
    if (arg === '--https') {
      out.set('https', '1');
      continue;
    }
    if (arg === '--no-push') {
      out.set('no-push', '1');
      continue;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    const name = m?.[1];
    if (!m || name === undefined || !(isIntFlag(name) || isOtherFlag(name))) {
      throw new ConfigError('unknown-flag', arg, `unknown flag: ${arg} (see --help)`);
    }
    let value = m[2];
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) {
        throw new ConfigError('missing-value', `--${name}`, `--${name} needs a value`);
      }
      value = next;
      i++;
    }
    out.set(name, value);
  }
  return out;
}

function envValue(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v === '' ? undefined : v;
}

function bad(flag: string, message: string): ConfigError {
  return new ConfigError('bad-value', flag, message);
}

function parseInteger(flag: string, raw: string, min: number, max: number, label = flag): number {
  if (!/^\d+$/.test(raw.trim())) throw bad(flag, `${label}: expected a whole number, got "${raw}"`);
  const n = Number(raw.trim());
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw bad(flag, `${label}: ${n} is out of range (${min} to ${max})`);
  }
  return n;
}

/** Secret and URLs come together or not at all: one without the other is a half-done setup. */
function parseTurn(
  flags: Map<string, string>,
  env: Readonly<Record<string, string | undefined>>,
): TurnConfig | null {
  const secret = flags.get('turn-secret') ?? envValue(env, 'DOORPEER_TURN_SECRET');
  const urlList = flags.get('turn-urls') ?? envValue(env, 'DOORPEER_TURN_URLS');
  const ttl = flags.get('turn-ttl-s') ?? envValue(env, 'DOORPEER_TURN_TTL_S');
  if (secret === undefined && urlList === undefined) {
    if (ttl !== undefined) throw bad('--turn-ttl-s', '--turn-ttl-s needs --turn-secret and --turn-urls');
    return null;
  }
  if (secret === undefined)
    throw bad('--turn-secret', '--turn-urls needs --turn-secret (or DOORPEER_TURN_SECRET)');
  if (urlList === undefined)
    throw bad('--turn-urls', '--turn-secret needs --turn-urls (or DOORPEER_TURN_URLS)');
  const urls = urlList
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  if (urls.length === 0) throw bad('--turn-urls', '--turn-urls: no URL given');
  for (const url of urls) {
    if (!/^turns?:[^\s]+$/.test(url))
      throw bad('--turn-urls', `--turn-urls: "${url}" is not a turn: or turns: URL`);
  }
  // 24 h at most: a credential is a bearer token for the TURN server until it expires.
  const ttlS = ttl === undefined ? DEFAULT_TURN_TTL_S : parseInteger('--turn-ttl-s', ttl, 60, 86_400);
  return { secret, urls, ttlS };
}

function parseRedisUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw bad('--redis-url', `--redis-url (or DOORPEER_REDIS_URL): not a URL like redis://host:6379`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw bad('--redis-url', `--redis-url: expected a redis:// or rediss:// URL, got ${url.protocol}`);
  return raw;
}

/** HTTPS settings, or null for plain HTTP. A certificate of the operator's implies HTTPS. */
function parseHttps(
  flags: Map<string, string>,
  env: Readonly<Record<string, string | undefined>>,
): HttpsSettings | null {
  const envHttps = envValue(env, 'DOORPEER_HTTPS');
  if (envHttps !== undefined && !/^(1|0|true|false|yes|no)$/i.test(envHttps))
    throw bad('--https', `DOORPEER_HTTPS: expected 1 or 0, got "${envHttps}"`);
  const certFile = flags.get('cert') ?? envValue(env, 'DOORPEER_CERT');
  const keyFile = flags.get('key') ?? envValue(env, 'DOORPEER_KEY');
  const stateDir = flags.get('state-dir') ?? envValue(env, 'DOORPEER_STATE_DIR');
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw certFile === undefined
      ? bad('--cert', '--key needs --cert (or DOORPEER_CERT)')
      : bad('--key', '--cert needs --key (or DOORPEER_KEY)');
  }
  const on = flags.has('https') || /^(1|true|yes)$/i.test(envHttps ?? '') || certFile !== undefined;
  if (!on) return null;
  const out: HttpsSettings = {};
  if (certFile !== undefined && keyFile !== undefined) {
    out.certFile = certFile;
    out.keyFile = keyFile;
  }
  if (stateDir !== undefined) out.stateDir = stateDir;
  return out;
}

/** Push is on unless turned off; the VAPID key comes from the operator (both halves) or the state directory. */
function parsePush(
  flags: Map<string, string>,
  env: Readonly<Record<string, string | undefined>>,
): PushSettings {
  const envPush = envValue(env, 'DOORPEER_PUSH');
  if (envPush !== undefined && !/^(1|0|true|false|yes|no|on|off)$/i.test(envPush))
    throw bad('--no-push', `DOORPEER_PUSH: expected 1 or 0, got "${envPush}"`);
  const enabled = !flags.has('no-push') && !/^(0|false|no|off)$/i.test(envPush ?? '');
  const out: PushSettings = { enabled, allowOrigins: [] };
  const pub = flags.get('vapid-public-key') ?? envValue(env, 'DOORPEER_VAPID_PUBLIC_KEY');
  const priv = flags.get('vapid-private-key') ?? envValue(env, 'DOORPEER_VAPID_PRIVATE_KEY');
  if ((pub === undefined) !== (priv === undefined)) {
    throw pub === undefined
      ? bad(
          '--vapid-public-key',
          '--vapid-private-key needs --vapid-public-key (or DOORPEER_VAPID_PUBLIC_KEY)',
        )
      : bad(
          '--vapid-private-key',
          '--vapid-public-key needs --vapid-private-key (or DOORPEER_VAPID_PRIVATE_KEY)',
        );
  }
  if (pub !== undefined && priv !== undefined) {
    if (!/^B[A-Za-z0-9_-]{86}$/.test(pub))
      throw bad(
        '--vapid-public-key',
        '--vapid-public-key: expected 87 base64url characters (a P-256 public key)',
      );
    if (!/^[A-Za-z0-9_-]{43}$/.test(priv))
      throw bad(
        '--vapid-private-key',
        '--vapid-private-key: expected 43 base64url characters (a P-256 private key)',
      );
    out.vapidPublicKey = pub;
    out.vapidPrivateKey = priv;
  }
  const subject = flags.get('vapid-subject') ?? envValue(env, 'DOORPEER_VAPID_SUBJECT');
  if (subject !== undefined) {
    if (!/^(mailto:\S+@\S+|https:\/\/\S+)$/.test(subject))
      throw bad(
        '--vapid-subject',
        `--vapid-subject: expected a mailto: address or an https: URL, got "${subject}"`,
      );
    out.vapidSubject = subject;
  }
  const stateDir = flags.get('state-dir') ?? envValue(env, 'DOORPEER_STATE_DIR');
  if (stateDir !== undefined) out.stateDir = stateDir;
  const origins = flags.get('push-allow-origins') ?? envValue(env, 'DOORPEER_PUSH_ALLOW_ORIGINS');
  if (origins !== undefined) out.allowOrigins = parseOrigins(origins, '--push-allow-origins');
  const minOffline = flags.get('push-min-offline-ms') ?? envValue(env, 'DOORPEER_PUSH_MIN_OFFLINE_MS');
  if (minOffline !== undefined)
    out.minOfflineMs = parseInteger('--push-min-offline-ms', minOffline, 0, 24 * 3_600_000);
  return out;
}

const IceServerList = z.array(IceServer);

function parseIceServers(raw: string): IceServer[] {
  const flag = '--ice-servers';
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw bad(
      flag,
      `${flag} (or DOORPEER_ICE_SERVERS): not JSON; expected e.g. [{"urls":"turn:turn.example.org"}]`,
    );
  }
  const r = IceServerList.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw bad(
      flag,
      `${flag} (or DOORPEER_ICE_SERVERS): not an RTCIceServer array${where}: ${issue?.message ?? ''}`,
    );
  }
  for (const server of r.data) {
    for (const url of Array.isArray(server.urls) ? server.urls : [server.urls]) {
      if (!/^(stuns?|turns?):/.test(url))
        throw bad(flag, `${flag}: "${url}" is not a stun:, stuns:, turn: or turns: URL`);
    }
  }
  return r.data;
}

function parseOrigins(raw: string, flag: string): string[] {
  const out: string[] = [];
  for (const part of raw.split(',')) {
    const value = part.trim();
    if (!value) continue;
    const origin = normalizeOrigin(value);
    // An origin is scheme://host[:port]; anything with a path is probably a mistake worth reporting.
    if (origin === null || !isBareOrigin(value)) {
      throw bad(flag, `${flag}: "${value}" is not an origin like https://cam.example.org`);
    }
    out.push(origin);
  }
  return out;
}

function isBareOrigin(value: string): boolean {
  const url = new URL(value);
  return (
    url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password && !value.endsWith('#')
  );
}
