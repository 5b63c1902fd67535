/**
 * The relay's VAPID key pair (RFC 8292): it signs every push request, so a
 * push service knows the pushes for a subscription come from the application
 * server the viewer subscribed with (its public key is the viewer's
 * `applicationServerKey`, handed out in `welcome`).
 *
 * Given by the operator (flags or environment), or made at first start and
 * kept in the state directory (`vapid.json`, readable by this user only), so
 * subscriptions survive restarts: a new key would invalidate every viewer's
 * subscription.
 */
import { createECDH } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import webpush from 'web-push';
import { VAPID_PUBLIC_KEY_PATTERN } from '../../src/shared/push-protocol.ts';
import { writeAtomically } from '../tls.ts';

export const VAPID_FILE = 'vapid.json';
/**
 * The `sub` claim: a contact for the push service's operators. RFC 8292 asks for one;
 * Apple refuses tokens without it. Set your own with `--vapid-subject`.
 */
export const DEFAULT_VAPID_SUBJECT = 'mailto:doorpeer-relay@example.invalid';

export interface VapidKeys {
  /** Uncompressed P-256 point, base64url (87 chars). */
  publicKey: string;
  /** The private scalar, base64url (43 chars). */
  privateKey: string;
  subject: string;
}

export type VapidErrorCode = 'bad-key' | 'state-dir-unwritable';

export class VapidError extends Error {
  constructor(
    readonly code: VapidErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'VapidError';
  }
}

/** Throws `VapidError('bad-key')` unless the two keys are a P-256 pair in base64url. */
export function checkVapidPair(publicKey: string, privateKey: string): void {
  if (!VAPID_PUBLIC_KEY_PATTERN.test(publicKey) || !/^[A-Za-z0-9_-]{43}$/.test(privateKey)) {
    throw new VapidError(
      'bad-key',
      'VAPID keys must be base64url: a 65-byte public key and a 32-byte private key',
    );
  }
  let derived: string;
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(Buffer.from(privateKey, 'base64url'));
    derived = ecdh.getPublicKey().toString('base64url');
  } catch {
    throw new VapidError('bad-key', 'the VAPID private key is not a P-256 private key');
  }
  if (derived !== publicKey)
    throw new VapidError('bad-key', 'the VAPID public key does not belong to the private key');
}

export interface StoredVapid {
  keys: VapidKeys;
  source: 'reused' | 'generated';
  file: string;
}

/** Reuses `dir/vapid.json` when it holds a valid pair, else makes one and stores it (0600). */
export function loadOrCreateVapidKeys(dir: string, subject = DEFAULT_VAPID_SUBJECT): StoredVapid {
  const file = join(dir, VAPID_FILE);
  try {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { publicKey?: unknown; privateKey?: unknown };
    if (typeof stored.publicKey === 'string' && typeof stored.privateKey === 'string') {
      checkVapidPair(stored.publicKey, stored.privateKey);
      return {
        keys: { publicKey: stored.publicKey, privateKey: stored.privateKey, subject },
        source: 'reused',
        file,
      };
    }
  } catch {
    // Missing or unusable: make a new pair below.
  }
  const fresh = webpush.generateVAPIDKeys();
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const text = `${JSON.stringify({ publicKey: fresh.publicKey, privateKey: fresh.privateKey, createdAt: new Date().toISOString() }, null, 2)}\n`;
    writeAtomically(file, text, 0o600);
  } catch (err) {
    throw new VapidError(
      'state-dir-unwritable',
      `cannot store the push (VAPID) key in ${dir} (${(err as NodeJS.ErrnoException).code ?? 'error'}); ` +
        'choose another place with --state-dir, give the keys with --vapid-public-key/--vapid-private-key, or turn push off with --no-push',
    );
  }
  return { keys: { ...fresh, subject }, source: 'generated', file };
}

/** The `Authorization: vapid t=..., k=...` header for one push service origin. */
export function vapidAuthorization(keys: VapidKeys, audience: string): string {
  const headers = webpush.getVapidHeaders(
    audience,
    keys.subject,
    keys.publicKey,
    keys.privateKey,
    'aes128gcm',
  );
  return String(headers.Authorization);
}
