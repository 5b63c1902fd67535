/**
 * The viewer's side of pairing: knock on the camera's handle with a
 * commitment to our card, receive the camera's card, reveal ours, then (for a
 * typed code) let the person compare the six-digit SAS with the camera's
 * screen. See `PairMessage` in session.ts for the exchange.
 */
import {
  derivePairKey,
  pairOpen,
  pairSeal,
  parseQrPairLink,
  parseTypedCode,
} from '../../shared/crypto/pairing.ts';
import { payloadKind, tryOpenClear } from '../../shared/crypto/seal.ts';
import { deviceIdFromSignPublic } from '../../shared/crypto/identity.ts';
import { parsePairMessage, parsePairRefusal, type PeerCard } from '../../shared/session.ts';
import { AppError } from '../errors.ts';
import type { PairedPeer } from '../db.ts';
import { randomNonce } from './card.ts';
import { pairCommit, pairSas } from './commit.ts';
import type { PairingTransport } from './transport.ts';

/** How long to wait for the camera's answers (not for people). */
const ANSWER_TIMEOUT_MS = 15_000;
/** How long to wait for the person confirming at the camera (or on the owner's phone), as the camera does. */
const PEOPLE_TIMEOUT_MS = 120_000;
/** Confirmed here and then the relay went away: how long to wait for it to come back and finish. */
const RESUME_WITHIN_MS = 30_000;

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
        retryAfterMs !== undefined
          ? `try again in ${Math.max(1, Math.ceil(retryAfterMs / 60_000))} min`
          : undefined,
      );
    case 'expired':
      return new AppError('pair-expired');
    case 'busy':
      return new AppError('pair-busy');
    default:
      return new AppError('pair-unknown');
  }
}

export interface PairOptions {
  /** Called with the SAS for a typed code; resolve true when the person says it matches the camera. */
  confirmSas: (sas: string, cameraName: string) => Promise<boolean>;
  store: (peer: PairedPeer) => Promise<void>;
  signal?: AbortSignal;
  /** Overrides `RESUME_WITHIN_MS` (tests). */
  resumeWithinMs?: number;
}

export async function pairWithCode(
  transport: PairingTransport,
  card: PeerCard,
  input: string,
  opts: PairOptions,
): Promise<PairedPeer> {
  const code = parsePairingInput(input);
  if (!code) throw new AppError('pair-malformed');
  if (code.cameraId === transport.selfId) throw new AppError('pair-self');
  if (!transport.isOnline()) throw new AppError('relay-unreachable');
  const viaQr = code.cameraId !== undefined;
  const key = await derivePairKey(code.secret, code.handle);
  const nonce = randomNonce();
  const hello = await pairSeal(key, { k: 'pair-hello', commit: await pairCommit(card, nonce) });

  return new Promise<PairedPeer>((resolve, reject) => {
    const unsubs: (() => void)[] = [];
    /**
     * `confirmed`: the camera's side compared the digits (`pair-confirm`); `stored`: the camera
     * holds the pairing (`pair-done`), the only thing this side completes on.
     */
    let camera: {
      id: string;
      card?: PeerCard;
      sas?: string;
      confirmed: boolean;
      stored: boolean;
      localOk: boolean;
    } | null = null;
    let finished = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const waitAnswer = (ms = ANSWER_TIMEOUT_MS, onTimeout = () => done(new AppError('pair-timeout'))) => {
      clearTimeout(timer);
      timer = setTimeout(onTimeout, ms);
    };
    /** Ended here without the camera knowing: tell it once the relay is back, so it ends too. */
    const tellCameraWhenBack = () => {
      if (!camera) return;
      const off = transport.onOnline((back) => {
        if (!back) return;
        off();
        void send({ k: 'pair-reject', reason: 'interrupted' });
      });
    };
    let relayLost = false;
    const done = (err: AppError | null, peer?: PairedPeer) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      for (const u of unsubs) u();
      if (err) reject(err);
      else resolve(peer as PairedPeer);
    };
    const send = async (msg: unknown) => {
      if (camera) transport.send(camera.id, await pairSeal(key, msg));
    };
    const complete = async () => {
      if (!camera?.card || !camera.localOk || !camera.stored || finished) return;
      const peer: PairedPeer = {
        ...camera.card,
        role: 'camera',
        pairedAt: Date.now(),
        permissions: { watch: true, talk: true, manage: true },
      };
      await opts.store(peer);
      done(null, peer);
    };
    opts.signal?.addEventListener(
      'abort',
      () => {
        void send({ k: 'pair-reject' });
        done(new AppError('pair-cancelled'));
      },
      { once: true },
    );

    waitAnswer();
    const ref = transport.knock(code.handle, hello);
    if (ref === null) return done(new AppError('relay-unreachable'));

    unsubs.push(
      // Messages sent while the relay is away are lost, and the camera ends a pairing that is
      // half-way when it loses the relay: cut off before this side confirmed, the pairing ends
      // with a clear error at once. Confirmed here, the camera may already hold the pairing and
      // only its `pair-done` was lost: wait for the relay, confirm again, and the camera answers
      // `pair-done` (or `pair-reject`, interrupted, if it ended its side).
      transport.onOnline((online) => {
        if (finished) return;
        if (!online) {
          relayLost = true;
          if (!camera?.localOk) {
            done(new AppError('pair-interrupted'));
            return tellCameraWhenBack();
          }
          return waitAnswer(opts.resumeWithinMs ?? RESUME_WITHIN_MS, () => {
            done(new AppError('pair-interrupted'));
            tellCameraWhenBack();
          });
        }
        if (!relayLost || !camera) return;
        relayLost = false;
        // No answer to this either: give up, and say so, so the camera does not keep half of it.
        waitAnswer(ANSWER_TIMEOUT_MS, () => {
          done(new AppError('pair-interrupted'));
          void send({ k: 'pair-reject', reason: 'interrupted' });
          tellCameraWhenBack();
        });
        void send({ k: 'pair-confirm' });
      }),
      transport.onKnockError((r, errCode, retryAfterMs) => {
        if (r !== ref) return;
        if (errCode === 'pair-expired') done(new AppError('pair-expired'));
        else if (errCode === 'pair-limit') done(refusalError('locked-out', undefined, retryAfterMs));
        else done(new AppError('pair-unknown'));
      }),
      transport.onPayload((from, payload) => {
        if (camera && from !== camera.id) return;
        if (code.cameraId && from !== code.cameraId) return;
        void (async () => {
          if (payloadKind(payload) === 'clear') {
            const r = parsePairRefusal(tryOpenClear(payload));
            if (r.ok && !camera) done(refusalError(r.msg.code, r.msg.attemptsLeft, r.msg.retryAfterMs));
            return;
          }
          let opened: unknown;
          try {
            opened = await pairOpen(key, payload);
          } catch {
            return; // not for this attempt
          }
          const m = parsePairMessage(opened);
          if (!m.ok) return;
          switch (m.msg.k) {
            case 'pair-accept': {
              if (camera) return;
              const cam = m.msg.card;
              if (cam.deviceId !== from || (await deviceIdFromSignPublic(cam.signPublic)) !== from) return;
              camera = { id: from, card: cam, confirmed: viaQr, stored: false, localOk: viaQr };
              camera.sas = await pairSas(cam, m.msg.nonce, card, nonce);
              await send({ k: 'pair-reveal', card, nonce });
              if (viaQr) return waitAnswer();
              // A person compares the digits now: no answer timeout while they do.
              clearTimeout(timer);
              const ok = await opts.confirmSas(camera.sas, cam.name);
              if (finished) return;
              if (!ok) {
                await send({ k: 'pair-reject' });
                return done(new AppError('pair-cancelled'));
              }
              camera.localOk = true;
              await send({ k: 'pair-confirm' });
              // Until the other side has compared too, a person is still looking at digits.
              waitAnswer(camera.confirmed ? ANSWER_TIMEOUT_MS : PEOPLE_TIMEOUT_MS);
              return void complete();
            }
            case 'pair-confirm':
              if (!camera) return;
              camera.confirmed = true;
              if (camera.localOk) waitAnswer();
              return;
            case 'pair-done':
              if (!camera) return;
              camera.stored = true;
              return void complete();
            case 'pair-reject':
              if (!camera) return;
              if (m.msg.reason === 'interrupted') done(new AppError('pair-interrupted'));
              else done(new AppError('pair-cancelled', 'refused at the camera'));
              return;
            case 'pair-hello':
            case 'pair-reveal':
              return;
          }
        })();
      }),
    );
  });
}
