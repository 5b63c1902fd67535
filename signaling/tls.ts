/**
 * The certificate behind `--https`: the operator's own (`--cert`/`--key`),
 * or a self-signed one kept in the state directory and reused across
 * restarts, so a phone that accepted it once is not asked again. It is
 * replaced when it no longer names every address the server is reached at
 * (the router handed out a new LAN address) or when it nears its expiry.
 *
 * The state directory is the only place Doorpeer writes to disk, and only
 * with `--https` and no certificate of the operator's.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { isAbsolute, join } from 'node:path';
import { generateSelfSigned, type CertificateNames } from './self-signed.ts';

/** What `config.ts` reads from `--https`, `--cert`, `--key` and `--state-dir`. */
export interface HttpsSettings {
  /** PEM certificate (chain) and key of the operator's own; both or neither. */
  certFile?: string;
  keyFile?: string;
  /** Where the self-signed certificate lives; `defaultStateDir()` if absent. */
  stateDir?: string;
}

export type TlsErrorCode =
  'cert-unreadable' | 'key-unreadable' | 'cert-key-mismatch' | 'state-dir-unwritable';

export class TlsError extends Error {
  constructor(
    readonly code: TlsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TlsError';
  }
}

export type TlsSource =
  | { kind: 'operator'; certFile: string }
  | { kind: 'reused'; dir: string }
  | { kind: 'generated'; dir: string; reason: string };

export interface TlsMaterial {
  cert: string;
  key: string;
  source: TlsSource;
  validTo: Date;
}

export const CERT_FILE = 'tls-cert.pem';
export const KEY_FILE = 'tls-key.pem';
/** Renew this long before expiry, so a certificate never runs out between two restarts. */
export const RENEW_BEFORE_MS = 30 * 86_400_000;

/** `$XDG_CONFIG_HOME/doorpeer`, else `~/.config/doorpeer`. */
export function defaultStateDir(env: Readonly<Record<string, string | undefined>>, home: string): string {
  const xdg = env.XDG_CONFIG_HOME;
  // The XDG spec says to ignore a relative value.
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, '.config'), 'doorpeer');
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

/** Every name and address a device on the LAN may use to reach this machine. */
export function certificateNames(
  hostname: string,
  lanIps: readonly string[],
  bindHost: string,
): CertificateNames {
  const dns = new Set<string>(['localhost']);
  const ips = new Set<string>(['127.0.0.1', '::1']);
  if (/^[A-Za-z0-9.-]+$/.test(hostname) && hostname !== 'localhost') {
    dns.add(hostname.toLowerCase());
    // Most home systems (Avahi, Bonjour) also answer to NAME.local.
    if (!hostname.includes('.')) dns.add(`${hostname.toLowerCase()}.local`);
  }
  for (const ip of lanIps) ips.add(ip);
  if (!WILDCARD_HOSTS.has(bindHost)) {
    if (isIP(bindHost)) ips.add(bindHost);
    else dns.add(bindHost.toLowerCase());
  }
  return { dns: [...dns], ips: [...ips] };
}

/** Why a stored certificate must be replaced, or null if it still serves. Pure but for parsing. */
export function whyRegenerate(certPem: string, names: CertificateNames, now: Date): string | null {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch {
    return 'the stored one could not be read';
  }
  const validTo = new Date(cert.validTo);
  if (validTo.getTime() - now.getTime() < RENEW_BEFORE_MS)
    return `the stored one expires on ${validTo.toISOString().slice(0, 10)}`;
  const missingIp = names.ips.find((ip) => cert.checkIP(ip) === undefined);
  if (missingIp !== undefined) return `the stored one does not cover the address ${missingIp}`;
  const missingName = names.dns.find((name) => cert.checkHost(name, { wildcards: false }) === undefined);
  if (missingName !== undefined) return `the stored one does not cover the name ${missingName}`;
  return null;
}

export interface StoredCertOptions {
  dir: string;
  names: CertificateNames;
  now: Date;
  commonName: string;
}

/** Reuse the certificate in `dir` if it still covers `names`, else make and store a new one. */
export function loadOrCreateSelfSigned({ dir, names, now, commonName }: StoredCertOptions): TlsMaterial {
  const certPath = join(dir, CERT_FILE);
  const keyPath = join(dir, KEY_FILE);
  const stored = readPair(certPath, keyPath);
  let reason = 'none was stored yet';
  if (stored) {
    reason = whyRegenerate(stored.cert, names, now) ?? '';
    if (!reason && !keyMatches(stored.cert, stored.key))
      reason = 'the stored key does not match the stored certificate';
    if (!reason) return material(stored.cert, stored.key, { kind: 'reused', dir });
  }

  const fresh = generateSelfSigned(names, now, commonName);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // The private key is written first and readable by this user only; each file lands whole or not at all.
    writeAtomically(keyPath, fresh.key, 0o600);
    writeAtomically(certPath, fresh.cert, 0o644);
  } catch (err) {
    throw new TlsError(
      'state-dir-unwritable',
      `cannot store the HTTPS certificate in ${dir} (${(err as NodeJS.ErrnoException).code ?? 'error'}); ` +
        'choose another place with --state-dir',
    );
  }
  return material(fresh.cert, fresh.key, { kind: 'generated', dir, reason });
}

/** The operator's own certificate and key, checked to belong together. */
export function readOperatorCertificate(certFile: string, keyFile: string): TlsMaterial {
  const cert = readText(certFile, 'cert-unreadable', '--cert');
  const key = readText(keyFile, 'key-unreadable', '--key');
  try {
    new X509Certificate(cert);
  } catch {
    throw new TlsError('cert-unreadable', `--cert: ${certFile} is not a PEM certificate`);
  }
  try {
    createPrivateKey(key);
  } catch {
    throw new TlsError('key-unreadable', `--key: ${keyFile} is not a PEM private key (or it is encrypted)`);
  }
  if (!keyMatches(cert, key))
    throw new TlsError(
      'cert-key-mismatch',
      `--key: ${keyFile} is not the key of the certificate ${certFile}`,
    );
  return material(cert, key, { kind: 'operator', certFile });
}

export interface TlsContext {
  bindHost: string;
  lanIps: readonly string[];
  hostname: string;
  home: string;
  env: Readonly<Record<string, string | undefined>>;
  now: Date;
}

/** The certificate `--https` serves with: the operator's, or the stored/generated self-signed one. */
export function resolveTls(settings: HttpsSettings, ctx: TlsContext): TlsMaterial {
  if (settings.certFile !== undefined && settings.keyFile !== undefined)
    return readOperatorCertificate(settings.certFile, settings.keyFile);
  return loadOrCreateSelfSigned({
    dir: settings.stateDir ?? defaultStateDir(ctx.env, ctx.home),
    names: certificateNames(ctx.hostname, ctx.lanIps, ctx.bindHost),
    now: ctx.now,
    commonName: `Doorpeer on ${ctx.hostname || 'this machine'}`,
  });
}

/** One line for the operator's log: which certificate, from where, until when. */
export function describeTls(tls: TlsMaterial, now: Date): string {
  const until = tls.validTo.toISOString().slice(0, 10);
  switch (tls.source.kind) {
    case 'operator': {
      const expired = tls.validTo.getTime() <= now.getTime() ? ' (EXPIRED: browsers will refuse it)' : '';
      return `HTTPS with your certificate ${tls.source.certFile}, valid until ${until}${expired}`;
    }
    case 'reused':
      return `HTTPS with the self-signed certificate kept in ${tls.source.dir}, valid until ${until}`;
    case 'generated':
      return `HTTPS with a new self-signed certificate (${tls.source.reason}), stored in ${tls.source.dir}, valid until ${until}`;
    default: {
      const never: never = tls.source;
      return never;
    }
  }
}

function material(cert: string, key: string, source: TlsSource): TlsMaterial {
  return { cert, key, source, validTo: new Date(new X509Certificate(cert).validTo) };
}

function readPair(certPath: string, keyPath: string): { cert: string; key: string } | null {
  try {
    return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
  } catch {
    return null;
  }
}

function keyMatches(certPem: string, keyPem: string): boolean {
  try {
    return new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
  }
}

function readText(path: string, code: TlsErrorCode, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new TlsError(
      code,
      `${flag}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

/** Writes `text` to a temporary file with `mode`, then renames it over `path`: the file lands whole or not at all. */
export function writeAtomically(path: string, text: string, mode: number): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode });
  // `mode` is masked by the umask on creation; set it exactly.
  chmodSync(tmp, mode);
  renameSync(tmp, path);
}
