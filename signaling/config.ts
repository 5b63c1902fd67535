/**
 * Server options from command-line flags and environment variables. Pure:
 * takes argv and env, returns options or throws a `ConfigError` naming the
 * flag, so `cli.ts` can print it and exit 2.
 */
import { z } from 'zod';
import { IceServer } from '../src/shared/protocol.ts';
import { normalizeOrigin } from './origin.ts';
import type { ServerOptions } from './server.ts';

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

export type Config = ServerOptions & { help: boolean };

export const USAGE = `Usage: npm start -- [flags]

  --port N                 port to listen on (env PORT; default 8080; 0 = any free port)
  --host NAME              address to bind (env HOST; default localhost)
  --dist DIR               built app to serve (default dist/)
  --ice-servers JSON       RTCIceServer array for devices, e.g. your own TURN server
                           (env DOORPEER_ICE_SERVERS; default [] = no STUN/TURN at all)
  --allowed-origins LIST   comma-separated extra browser origins allowed to connect
  --max-conn-per-ip N      WebSocket connections per IP address (default 20)
  --rate N                 frames per second per connection (default 30)
  --burst N                frames allowed in a burst (default 60)
  --ping-interval-ms N     WebSocket ping interval (default 15000)
  --auth-timeout-ms N      time a new connection has to authenticate (default 10000)
  --pair-ttl-ms N          lifetime of a pairing code (default 300000)
  --knocks-per-minute N    pairing attempts per IP per minute (default 10)
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

const OTHER_FLAGS = ['port', 'host', 'dist', 'ice-servers', 'allowed-origins'] as const;
type OtherFlag = (typeof OTHER_FLAGS)[number];

const isIntFlag = (name: string): name is IntFlag => Object.hasOwn(INT_FLAGS, name);
const isOtherFlag = (name: string): name is OtherFlag => (OTHER_FLAGS as readonly string[]).includes(name);

export function parseConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Config {
  const flags = readFlags(argv);
  const config: Config = { help: flags.has('help') };

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
  if (origins !== undefined) config.allowedOrigins = parseOrigins(origins);

  for (const flag of Object.keys(INT_FLAGS) as IntFlag[]) {
    const value = flags.get(flag);
    if (value !== undefined)
      config[INT_FLAGS[flag]] = parseInteger(`--${flag}`, value, 1, Number.MAX_SAFE_INTEGER);
  }
  return config;
}

/** `--name value` and `--name=value`; `--help` takes no value. */
function readFlags(argv: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      out.set('help', '');
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

function parseOrigins(raw: string): string[] {
  const out: string[] = [];
  for (const part of raw.split(',')) {
    const value = part.trim();
    if (!value) continue;
    const origin = normalizeOrigin(value);
    // An origin is scheme://host[:port]; anything with a path is probably a mistake worth reporting.
    if (origin === null || !isBareOrigin(value)) {
      throw bad(
        '--allowed-origins',
        `--allowed-origins: "${value}" is not an origin like https://cam.example.org`,
      );
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
