/**
 * What pairing needs from the relay connection, as a small interface so the
 * pairing flows can be exercised in Node against an in-memory relay.
 */
import { payloadKind } from '../../shared/crypto/seal.ts';
import type { RelayErrorCode } from '../../shared/protocol.ts';
import type { Messenger } from '../messenger.ts';

export interface PairingTransport {
  readonly selfId: string;
  isOnline(): boolean;
  /** Ask the relay for a pairing handle (answered by `onOpened`). */
  openHandle(): void;
  closeHandle(handle: string): void;
  /** Returns the frame's ref, or null when offline. */
  knock(handle: string, payload: string): number | null;
  send(to: string, payload: string): void;
  onOpened(fn: (handle: string, expiresAt: number) => void): () => void;
  onKnocked(fn: (handle: string, from: string, payload: string) => void): () => void;
  /** Pairing payloads ('pair' and 'clear' kinds) delivered from any device. */
  onPayload(fn: (from: string, payload: string) => void): () => void;
  /** Relay errors about a knock, by ref. */
  onKnockError(fn: (ref: number, code: RelayErrorCode, retryAfterMs?: number) => void): () => void;
  onOnline(fn: (online: boolean) => void): () => void;
}

export function relayPairingTransport(messenger: Messenger): PairingTransport {
  const relay = messenger.relay;
  return {
    selfId: messenger.identity.deviceId,
    isOnline: () => relay.state === 'online',
    openHandle: () => void relay.send({ t: 'pair-open' }),
    closeHandle: (handle) => void relay.send({ t: 'pair-close', handle }),
    knock: (handle, payload) => relay.send({ t: 'pair-knock', handle, payload }),
    send: (to, payload) => void relay.send({ t: 'send', to, payload }),
    onOpened: (fn) => relay.on('pair-opened', fn),
    onKnocked: (fn) => relay.on('pair-knocked', fn),
    onPayload: (fn) =>
      messenger.on('pairing', (from, payload) => {
        const kind = payloadKind(payload);
        if (kind === 'pair' || kind === 'clear') fn(from, payload);
      }),
    onKnockError: (fn) =>
      relay.on('relay-error', (f) => {
        if (f.ref !== undefined) fn(f.ref, f.code, f.retryAfterMs);
      }),
    onOnline: (fn) => relay.on('state', (s) => fn(s === 'online')),
  };
}
