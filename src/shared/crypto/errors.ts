/**
 * The one error type of the crypto modules. Callers switch on `code`, never on
 * the message: messages are for logs and may change.
 *
 * - `malformed`: bytes that are not a payload of the expected shape (bad
 *   base64url, wrong kind byte, too short, not JSON, too large to send).
 * - `bad-signature`: the sender's signature does not verify.
 * - `decrypt-failed`: AES-GCM rejected the ciphertext (wrong key or tampered).
 * - `replayed`: a sealed payload that this channel has already opened.
 * - `stale`: the sender's timestamp is outside the accepted window.
 * - `wrong-recipient` / `wrong-sender`: the sealed header names other devices.
 * - `bad-key`: a public key that is not a valid P-256 SPKI, or a peer whose
 *   device ID does not match its key.
 */
export type CryptoErrorCode =
  | 'malformed'
  | 'bad-signature'
  | 'decrypt-failed'
  | 'replayed'
  | 'stale'
  | 'wrong-recipient'
  | 'wrong-sender'
  | 'bad-key';

export class CryptoError extends Error {
  constructor(
    readonly code: CryptoErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CryptoError';
  }
}
