/**
 * End-to-end sealing of payloads between two paired devices. The relay only
 * carries the resulting strings; it can neither read nor forge them.
 *
 * Payload bytes (then base64url):
 *
 *   0x01 | iv (12) | AES-256-GCM ciphertext+tag | ECDSA P-256 signature (64, P1363)
 *
 * Keys. Both sides compute the same ECDH P-256 secret from their own ECDH
 * private key and the other's ECDH public key (256 bits), and feed it to
 * HKDF-SHA-256 with
 *   salt = SHA-256(UTF-8("doorpeer-e2e-v1" + lowId + highId))   (the two device IDs sorted)
 *   info = UTF-8(`doorpeer/e2e/v1 ${from}>${to}`)
 * so each direction has its own AES-256-GCM key: a message reflected back to
 * its sender fails, and a message for a third device is under another key.
 * AAD = 0x01 | UTF-8(from) | UTF-8(to).
 *
 * Plaintext = UTF-8 JSON `{ f: from, t: to, ts: sender's ms clock, c: counter, m: msg }`.
 *
 * `c` is a per-direction message counter that only goes up. The receiver
 * refuses any `c` at or below the highest it has accepted (`replayed`). Both
 * ends persist their counters (`counters`, restored through `create`), so a
 * reload of either side does not reopen a replay window; a sender that
 * restarts skips ahead (`SEND_SKIP`) so that a counter it used but had not yet
 * persisted is never reused. Messages must be sealed and opened in order per
 * peer (the relay keeps order on a connection; `Messenger` serialises).
 *
 * Signature: the sender's identity key (ECDSA P-256, SHA-256) over
 * `0x01 | iv | ciphertext | UTF-8(from) | UTF-8(to)`. AES-GCM alone would
 * already authenticate "someone who holds the ECDH secret"; the signature
 * binds every payload to the sender's identity key, the one the device ID and
 * the relay login derive from, so a leaked ECDH key alone cannot forge.
 *
 * `open` checks, in this order, each failure with its own code: framing and
 * length (`malformed`), signature with the peer's signing key
 * (`bad-signature`), decryption (`decrypt-failed`), the header names peer ->
 * self (`wrong-sender` / `wrong-recipient`), |ts - now| <= window (`stale`),
 * and the iv not seen within the window (`replayed`). Seen ivs are kept with
 * their ts and forgotten once that ts leaves the window, since a replay of
 * such a payload is refused as stale anyway. The memory is per instance: keep
 * one `SealedChannel` per peer for the life of the page.
 */
import { toB64u } from './b64u.ts';
import { concat, randomBytes, utf8 } from './bytes.ts';
import { CryptoError } from './errors.ts';
import { KIND, parseJsonBytes, payloadBytes, toJson, toPayload } from './framing.ts';
import {
  ECDH_P256,
  ECDSA_P256,
  ECDSA_SHA256,
  deviceIdFromSignPublic,
  importP256Public,
  type Identity,
} from './identity.ts';

export { payloadKind, clearPayload, openClear, tryOpenClear, type PayloadKind } from './framing.ts';
export { CryptoError, type CryptoErrorCode } from './errors.ts';

export interface PeerKeys {
  deviceId: string;
  signPublic: string;
  ecdhPublic: string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
const SIG_BYTES = 64;
const MIN_BYTES = 1 + IV_BYTES + TAG_BYTES + SIG_BYTES;
export const DEFAULT_WINDOW_MS = 120_000;

const subtle = (): SubtleCrypto => globalThis.crypto.subtle;

interface Header {
  f: unknown;
  t: unknown;
  ts: unknown;
  c?: unknown;
  m?: unknown;
}

/** Persistent replay state of one channel: last counter sent, highest counter accepted. */
export interface ChannelCounters {
  send: number;
  recv: number;
}

/** How far a restarted sender jumps ahead of its last persisted counter. */
export const SEND_SKIP = 10_000;

export class SealedChannel {
  /** iv (base64url) -> sender ts, for replay detection. */
  private readonly seen = new Map<string, number>();
  private sendCounter: number;
  private recvHigh: number;

  private constructor(
    private readonly self: Identity,
    private readonly peer: PeerKeys,
    private readonly peerVerifyKey: CryptoKey,
    private readonly sendKey: CryptoKey,
    private readonly recvKey: CryptoKey,
    private readonly now: () => number,
    private readonly windowMs: number,
    restored: ChannelCounters | undefined,
  ) {
    this.sendCounter = restored ? restored.send + SEND_SKIP : 0;
    this.recvHigh = restored ? restored.recv : -1;
  }

  /** Current counters, to persist after each seal/open. */
  get counters(): ChannelCounters {
    return { send: this.sendCounter, recv: this.recvHigh };
  }

  /**
   * Derives and caches both directions' keys. Throws `CryptoError('bad-key')`
   * if the peer's keys are invalid, its device ID does not derive from its
   * signing key, or the peer is this device.
   */
  static async create(
    self: Identity,
    peer: PeerKeys,
    opts: { now?: () => number; windowMs?: number; counters?: ChannelCounters } = {},
  ): Promise<SealedChannel> {
    const peerVerifyKey = await importP256Public(peer.signPublic, ECDSA_P256);
    if ((await deviceIdFromSignPublic(peer.signPublic)) !== peer.deviceId) {
      throw new CryptoError('bad-key', 'peer device ID does not match its signing key');
    }
    if (peer.deviceId === self.deviceId) throw new CryptoError('bad-key', 'a device cannot seal to itself');
    const peerEcdh = await importP256Public(peer.ecdhPublic, ECDH_P256);

    const shared = await subtle().deriveBits(
      { name: 'ECDH', public: peerEcdh },
      self.ecdhKeys.privateKey,
      256,
    );
    const ikm = await subtle().importKey('raw', shared, 'HKDF', false, ['deriveKey']);
    const [low, high] = [self.deviceId, peer.deviceId].sort();
    const salt = await subtle().digest('SHA-256', utf8(`doorpeer-e2e-v1${low}${high}`));
    const directionKey = (from: string, to: string): Promise<CryptoKey> =>
      subtle().deriveKey(
        { name: 'HKDF', hash: 'SHA-256', salt, info: utf8(`doorpeer/e2e/v1 ${from}>${to}`) },
        ikm,
        { name: 'AES-GCM', length: 256 },
        false,
        ['encrypt', 'decrypt'],
      );
    const sendKey = await directionKey(self.deviceId, peer.deviceId);
    const recvKey = await directionKey(peer.deviceId, self.deviceId);
    const windowMs = opts.windowMs ?? DEFAULT_WINDOW_MS;
    if (!(windowMs > 0)) throw new RangeError('windowMs must be positive');
    return new SealedChannel(
      self,
      peer,
      peerVerifyKey,
      sendKey,
      recvKey,
      opts.now ?? Date.now,
      windowMs,
      opts.counters,
    );
  }

  /** Returns the payload string for `SendFrame.payload`. Throws `malformed` if `msg` is not JSON or too large. */
  async seal(msg: unknown): Promise<string> {
    const from = this.self.deviceId;
    const to = this.peer.deviceId;
    const c = ++this.sendCounter;
    const plaintext = utf8(toJson({ f: from, t: to, ts: this.now(), c, m: msg }));
    const kind = Uint8Array.of(KIND.sealed);
    const iv = randomBytes(IV_BYTES);
    const ids = utf8(from + to);
    const aad = concat(kind, ids);
    const ciphertext = new Uint8Array(
      await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: aad }, this.sendKey, plaintext),
    );
    const signature = new Uint8Array(
      await subtle().sign(ECDSA_SHA256, this.self.signKeys.privateKey, concat(kind, iv, ciphertext, ids)),
    );
    return toPayload(concat(kind, iv, ciphertext, signature), 'sealed message');
  }

  /** Returns the message the peer sealed. Throws `CryptoError` (see the top of this file for the codes). */
  async open(payload: string): Promise<unknown> {
    const bytes = payloadBytes(payload, 'sealed');
    if (bytes.length < MIN_BYTES) throw new CryptoError('malformed', 'sealed payload is too short');
    const kind = bytes.subarray(0, 1);
    const iv = bytes.subarray(1, 1 + IV_BYTES);
    const ciphertext = bytes.subarray(1 + IV_BYTES, bytes.length - SIG_BYTES);
    const signature = bytes.subarray(bytes.length - SIG_BYTES);
    const ids = utf8(this.peer.deviceId + this.self.deviceId);

    const signed = concat(kind, iv, ciphertext, ids);
    if (!(await subtle().verify(ECDSA_SHA256, this.peerVerifyKey, signature, signed))) {
      throw new CryptoError('bad-signature', 'sealed payload is not signed by the peer');
    }

    let plaintext: ArrayBuffer;
    try {
      plaintext = await subtle().decrypt(
        { name: 'AES-GCM', iv, additionalData: concat(kind, ids) },
        this.recvKey,
        ciphertext,
      );
    } catch {
      throw new CryptoError('decrypt-failed', 'sealed payload does not decrypt');
    }

    const header = parseJsonBytes(new Uint8Array(plaintext));
    if (typeof header !== 'object' || header === null)
      throw new CryptoError('malformed', 'sealed body is not an object');
    const { f, t, ts, c, m } = header as Header;
    if (f !== this.peer.deviceId)
      throw new CryptoError('wrong-sender', 'sealed payload names another sender');
    if (t !== this.self.deviceId)
      throw new CryptoError('wrong-recipient', 'sealed payload is for another device');
    if (typeof ts !== 'number' || !Number.isFinite(ts))
      throw new CryptoError('malformed', 'sealed body has no ts');

    // From here on everything is synchronous, so two concurrent opens of one payload cannot both pass.
    const now = this.now();
    if (Math.abs(ts - now) > this.windowMs) {
      throw new CryptoError(
        'stale',
        `sealed payload is ${Math.round((now - ts) / 1000)} s off this device's clock`,
      );
    }
    if (typeof c !== 'number' || !Number.isSafeInteger(c) || c < 1)
      throw new CryptoError('malformed', 'sealed body has no counter');
    if (c <= this.recvHigh) throw new CryptoError('replayed', 'sealed payload counter was already used');
    this.forgetBefore(now - this.windowMs);
    const ivKey = toB64u(iv);
    if (this.seen.has(ivKey)) throw new CryptoError('replayed', 'sealed payload was already received');
    this.seen.set(ivKey, ts);
    this.recvHigh = c;
    return m;
  }

  private forgetBefore(oldest: number): void {
    for (const [iv, ts] of this.seen) if (ts < oldest) this.seen.delete(iv);
  }
}
