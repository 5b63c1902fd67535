/**
 * `npm start`: build the app if there is no build yet, serve it with the
 * relay, stop gracefully on SIGTERM/SIGINT. Stdout gets exactly the
 * "listening" line and a LAN hint (scripts and tests read the first line),
 * or with --https the LAN URLs and a QR code of the camera page;
 * everything else goes to stderr.
 */
import { existsSync } from 'node:fs';
import { homedir, hostname, networkInterfaces } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, parseConfig, USAGE, type Config } from './config.ts';
import { httpsBanner, lanIPv4Addresses } from './lan.ts';
import { DEFAULT_DIST_DIR, startServer } from './server.ts';
import { defaultStateDir, describeTls, resolveTls, TlsError, type TlsMaterial } from './tls.ts';
import type { PushSettings } from './config.ts';
import { PUSH_DEFAULTS, type PushOptions } from './push/service.ts';
import { checkVapidPair, DEFAULT_VAPID_SUBJECT, loadOrCreateVapidKeys, VapidError } from './push/vapid.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));
const EXIT_BAD_CONFIG = 2;

async function main(): Promise<void> {
  let config: Config;
  try {
    config = parseConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`doorpeer: ${err.message}\n`);
    process.exit(EXIT_BAD_CONFIG);
  }
  if (config.help) {
    process.stdout.write(USAGE);
    return;
  }
  const { help: _help, https, pushSettings, ...serverOpts } = config;
  const host = serverOpts.host ?? 'localhost';
  const lanIps = lanIPv4Addresses(networkInterfaces());

  let tls: TlsMaterial | undefined;
  if (https) {
    try {
      const ctx = { bindHost: host, lanIps, hostname: hostname(), home: homedir(), env: process.env };
      tls = resolveTls(https, { ...ctx, now: new Date() });
    } catch (err) {
      if (!(err instanceof TlsError)) throw err;
      process.stderr.write(`doorpeer: ${err.message}\n`);
      process.exit(EXIT_BAD_CONFIG);
    }
    process.stderr.write(`doorpeer: ${describeTls(tls, new Date())}\n`);
  }

  let push: PushOptions | null;
  try {
    push = resolvePush(pushSettings);
  } catch (err) {
    if (!(err instanceof VapidError)) throw err;
    process.stderr.write(`doorpeer: ${err.message}\n`);
    process.exit(EXIT_BAD_CONFIG);
  }

  const distDir = serverOpts.distDir === undefined ? DEFAULT_DIST_DIR : resolve(serverOpts.distDir);
  if (!existsSync(join(distDir, 'index.html'))) {
    if (serverOpts.distDir !== undefined) {
      // Never build into a directory the operator named: the build empties its output directory.
      process.stderr.write(`doorpeer: --dist: no index.html in ${distDir}\n`);
      process.exit(EXIT_BAD_CONFIG);
    }
    process.stderr.write('doorpeer: no build found in dist/, building the app first (vite build)...\n');
    const vite = await import('vite');
    await vite.build({ root: PROJECT_ROOT, logLevel: 'warn' });
  }

  const server = await startServer({
    ...serverOpts,
    push,
    distDir,
    ...(tls && { tls: { cert: tls.cert, key: tls.key } }),
  });
  process.stdout.write(`Doorpeer listening on ${server.url}\n`);
  if (tls) {
    const selfSigned = tls.source.kind !== 'operator';
    process.stdout.write(await httpsBanner({ scheme: 'https', host, port: server.port, lanIps, selfSigned }));
  } else {
    process.stdout.write(`${lanHint(host, server.port)}\n`);
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`doorpeer: ${signal}, closing connections...\n`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`doorpeer: error while closing: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** Web Push options from the settings: the operator's VAPID key, or the one kept in the state directory. */
function resolvePush(settings: PushSettings): PushOptions | null {
  if (!settings.enabled) {
    process.stderr.write('doorpeer: Web Push is off (--no-push): no push service is ever contacted\n');
    return null;
  }
  const subject = settings.vapidSubject ?? DEFAULT_VAPID_SUBJECT;
  let vapid;
  if (settings.vapidPublicKey !== undefined && settings.vapidPrivateKey !== undefined) {
    checkVapidPair(settings.vapidPublicKey, settings.vapidPrivateKey);
    vapid = { publicKey: settings.vapidPublicKey, privateKey: settings.vapidPrivateKey, subject };
    process.stderr.write('doorpeer: Web Push with the VAPID key given by the operator\n');
  } else {
    const stored = loadOrCreateVapidKeys(
      settings.stateDir ?? defaultStateDir(process.env, homedir()),
      subject,
    );
    vapid = stored.keys;
    const how = stored.source === 'generated' ? 'made a new VAPID key and stored it in' : 'VAPID key from';
    process.stderr.write(`doorpeer: Web Push on: ${how} ${stored.file}\n`);
  }
  return {
    ...PUSH_DEFAULTS,
    vapid,
    allowOrigins: settings.allowOrigins,
    ...(settings.minOfflineMs !== undefined ? { minOfflineMs: settings.minOfflineMs } : {}),
  };
}

/** Where other devices on the network can reach this server, or how to make them able to. */
function lanHint(host: string, port: number): string {
  const addresses = Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((a) => a.family === 'IPv4' && !a.internal)
    .map((a) => a.address);
  const local = host === 'localhost' || host.startsWith('127.') || host === '::1';
  if (local) {
    return 'Only this machine can connect. For phones on your network, start with --host 0.0.0.0 behind HTTPS (browsers allow the camera only on https:// or localhost).';
  }
  if (host !== '0.0.0.0' && host !== '::') {
    return `Other devices reach it at http://${host.includes(':') ? `[${host}]` : host}:${port} (put HTTPS in front for camera access).`;
  }
  if (addresses.length === 0) return 'No LAN address found on this machine.';
  const urls = addresses.map((a) => `http://${a}:${port}`).join(', ');
  return `On your network: ${urls} (put HTTPS in front for camera access from other devices)`;
}

main().catch((err: unknown) => {
  process.stderr.write(`doorpeer: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
