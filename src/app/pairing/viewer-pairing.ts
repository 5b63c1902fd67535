/**
 * The viewer's side of pairing: knock on the camera's handle with our card
 * sealed under the code's key, then wait for the camera's sealed accept, a
 * clear refusal, or a relay error about the knock.
 */
import {
  derivePairKey,
  pairOpen,
  pairSeal,
  parseQrPairLink,
  parseTypedCode,
} from '../../shared/crypto/pairing.ts';
import { openClear, payloadKind } from '../../shared/crypto/seal.ts';
import { deviceIdFromSignPublic } from '../../shared/crypto/identity.ts';
import { parsePairMessage, parsePairRefusal, type PeerCard } from '../../shared/session.ts';
import { AppError } from '../errors.ts';
import type { PairedPeer } from '../db.ts';
import type { Messenger } from '../messenger.ts';
import { randomNonce } from './card.ts';

const ANSWER_TIMEOUT_MS = 15_000;

export interface ParsedCode {
  handle: string;
  secret: string;
  /** Known when the code came from the QR link: the camera must be exactly this device. */
  cameraId?: string;
}

/** Accepts a typed code (`K7QM-4T9X`) or a scanned/opened link (`…#/pair/HANDLE.SECRET.CAMERAID`). */
export function parsePairingInput(input: string): ParsedCode | null {
  const trimmed = input.trim();
  const hashAt = trimmed.indexOf('#/pair/');
  const fragment = hashAt >= 0 ? trimmed.slice(hashAt + '#/pair/'.length) : trimmed;
  const link = parseQrPairLink(fragment);
  if (link) return link;
  return parseTypedCode(fragment);
}

function refusalError(code: string, attemptsLeft?: number, retryAfterMs?: number): AppError {
  switch (code) {
    case 'wrong-code':
      return new AppError(
        'pair-wrong-code',
        attemptsLeft !== undefined
          ? `${attemptsLeft} attempt${attemptsLeft === 1 ? '' : 's'} left`
          : undefined,
      );
    case 'locked-out':
      return new AppError(
        'pair-locked-out',
        retryAfterMs !== undefined ? `try again in ${Math.ceil(retryAfterMs / 60_000)} min` : undefined,
      );
    case 'expired':
      return new AppError('pair-expired');
    default:
      return new AppError('pair-unknown');
  }
}

export async function pairWithCode(
  messenger: Messenger,
  card: PeerCard,
  input: string,
  signal?: AbortSignal,
): Promise<PairedPeer> {
  const code = parsePairingInput(input);
  if (!code) throw new AppError('pair-malformed');
  if (code.cameraId === messenger.identity.deviceId) throw new AppError('pair-self');
  if (messenger.relay.state !== 'online') throw new AppError('relay-unreachable');
  const key = await derivePairKey(code.secret, code.handle);
  const knock = await pairSeal(key, { k: 'pair-request', card, nonce: randomNonce() });

  return new Promise<PairedPeer>((resolve, reject) => {
    const unsubs: (() => void)[] = [];
    const done = (err: AppError | null, peer?: PairedPeer) => {
      clearTimeout(timer);
      for (const u of unsubs) u();
      if (err) reject(err);
      else resolve(peer as PairedPeer);
    };
    const timer = setTimeout(() => done(new AppError('pair-timeout')), ANSWER_TIMEOUT_MS);
    signal?.addEventListener('abort', () => done(new AppError('pair-timeout', 'cancelled')), { once: true });

    const ref = messenger.relay.send({ t: 'pair-knock', handle: code.handle, payload: knock });
    if (ref === null) return done(new AppError('relay-unreachable'));

    unsubs.push(
      messenger.relay.on('relay-error', (f) => {
        if (f.ref !== ref) return;
        if (f.code === 'pair-expired') done(new AppError('pair-expired'));
        else if (f.code === 'pair-limit') done(refusalError('locked-out', undefined, f.retryAfterMs));
        else done(new AppError('pair-unknown'));
      }),
      messenger.on('pairing', (from, payload) => {
        if (code.cameraId && from !== code.cameraId) return;
        void (async () => {
          if (payloadKind(payload) === 'clear') {
            const r = parsePairRefusal(safeOpenClear(payload));
            if (r.ok) done(refusalError(r.msg.code, r.msg.attemptsLeft, r.msg.retryAfterMs));
            return;
          }
          let opened: unknown;
          try {
            opened = await pairOpen(key, payload);
          } catch {
            return; // not for this attempt
          }
          const m = parsePairMessage(opened);
          if (!m.ok || m.msg.k !== 'pair-accept') return;
          const cam = m.msg.card;
          if (cam.deviceId !== from || (await deviceIdFromSignPublic(cam.signPublic)) !== from) return;
          const peer: PairedPeer = {
            ...cam,
            role: 'camera',
            pairedAt: Date.now(),
            permissions: { watch: true, talk: true, manage: true },
          };
          await messenger.peers.add(peer);
          done(null, peer);
        })();
      }),
    );
  });
}

function safeOpenClear(payload: string): unknown {
  try {
    return openClear(payload);
  } catch {
    return null;
  }
}
