/**
 * The owner's door PIN, kept only as a salted slow hash: PBKDF2-HMAC-SHA-256
 * from WebCrypto (the browser's own implementation; no JavaScript hashing
 * library is needed for PBKDF2), 600,000 iterations as OWASP's password
 * storage guidance asks for this function, a random 16-byte salt per PIN.
 * A PIN of a few digits cannot resist an offline search of a stolen disk
 * however slow the hash: it guards the kiosk's screens, and what matters at
 * rest (clips, visitor messages) is sealed for the owners' keys instead.
 * Runs in the browser and in Node (unit tests).
 */
import { fromB64u, toB64u } from '../../shared/crypto/b64u.ts';
import { equalBytes, utf8 } from '../../shared/crypto/bytes.ts';

export interface PinHash {
  alg: 'PBKDF2-SHA-256';
  iterations: number;
  salt: string;
  hash: string;
}

export const PIN_ITERATIONS = 600_000;

async function derive(pin: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', utf8(pin), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    key,
    256,
  );
  return new Uint8Array(bits);
}

export async function hashPin(pin: string, iterations = PIN_ITERATIONS): Promise<PinHash> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return {
    alg: 'PBKDF2-SHA-256',
    iterations,
    salt: toB64u(salt),
    hash: toB64u(await derive(pin, salt, iterations)),
  };
}

/** `equalBytes` compares in time independent of where the bytes differ. */
export async function verifyPin(pin: string, stored: PinHash): Promise<boolean> {
  if (stored.alg !== 'PBKDF2-SHA-256' || !(stored.iterations >= 1)) return false;
  const got = await derive(pin, fromB64u(stored.salt), stored.iterations);
  return equalBytes(got, fromB64u(stored.hash));
}
