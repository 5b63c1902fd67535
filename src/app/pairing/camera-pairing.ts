/**
 * The camera's side of pairing. While open, it holds a short-lived handle on
 * the relay and shows two ways in: a typed code (handle + 20-bit secret) and a
 * QR link (handle + 128-bit secret + this camera's ID). A viewer's knock is
 * sealed under a key derived from one of the secrets, so the relay cannot read
 * or forge it; wrong secrets count against the PairingGuard (lockout).
 * A successful pairing closes the handle: every code works once.
 */
import {
  derivePairKey,
  formatTypedCode,
  newQrSecret,
  newShortSecret,
  pairOpen,
  pairSeal,
  qrPairFragment,
} from '../../shared/crypto/pairing.ts';
import { clearPayload } from '../../shared/crypto/seal.ts';
import { deviceIdFromSignPublic } from '../../shared/crypto/identity.ts';
import { parsePairMessage, type PairRefusal, type PeerCard } from '../../shared/session.ts';
import type { PairedPeer } from '../db.ts';
import type { Messenger } from '../messenger.ts';
import { Emitter } from '../util/emitter.ts';
import { PairingGuard } from './guard.ts';
import { randomNonce } from './card.ts';

export interface PairingOffer {
  handle: string;
  typedCode: string;
  /** URL fragment for the QR code, after `#/pair/`. */
  qrFragment: string;
  expiresAt: number;
}

type CameraPairingEvents = {
  offer: [PairingOffer | null];
  paired: [PairedPeer];
  /** A wrong code was tried (for the access log and the status line). */
  failed: [from: string, attemptsLeft: number, retryAfterMs: number | undefined];
};

export class CameraPairing extends Emitter<CameraPairingEvents> {
  offer: PairingOffer | null = null;
  private secrets: { handle: string; keys: Promise<CryptoKey>[] } | null = null;
  private open = false;
  private readonly guard = new PairingGuard();
  private readonly unsubs: (() => void)[] = [];
  private renewTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly messenger: Messenger,
    private readonly myCard: () => PeerCard,
  ) {
    super();
    const relay = messenger.relay;
    this.unsubs.push(
      relay.on('pair-opened', (handle, expiresAt) => this.onOpened(handle, expiresAt)),
      relay.on('pair-knocked', (handle, from, payload) => void this.onKnock(handle, from, payload)),
      relay.on('state', (s) => {
        if (s === 'online' && this.open) this.requestHandle();
        if (s !== 'online') this.setOffer(null);
      }),
    );
  }

  /** Start showing codes (and keep renewing them until `stop`). */
  start(): void {
    this.open = true;
    this.requestHandle();
  }

  stop(): void {
    this.open = false;
    clearTimeout(this.renewTimer);
    if (this.secrets) this.messenger.relay.send({ t: 'pair-close', handle: this.secrets.handle });
    this.secrets = null;
    this.setOffer(null);
  }

  dispose(): void {
    this.stop();
    for (const u of this.unsubs) u();
  }

  get isOpen(): boolean {
    return this.open;
  }

  private requestHandle(): void {
    if (!this.open) return;
    this.messenger.relay.send({ t: 'pair-open' });
  }

  private setOffer(offer: PairingOffer | null): void {
    this.offer = offer;
    this.emit('offer', offer);
  }

  private onOpened(handle: string, expiresAt: number): void {
    if (!this.open) return;
    const short = newShortSecret();
    const long = newQrSecret();
    this.secrets = { handle, keys: [derivePairKey(short, handle), derivePairKey(long, handle)] };
    this.setOffer({
      handle,
      typedCode: formatTypedCode(handle, short),
      qrFragment: qrPairFragment(handle, long, this.messenger.identity.deviceId),
      expiresAt,
    });
    // Renew just before the relay forgets the handle (its clock, our timer: keep a margin).
    clearTimeout(this.renewTimer);
    const ttl = Math.max(1000, expiresAt - Date.now() - 1000);
    this.renewTimer = setTimeout(() => this.requestHandle(), ttl);
  }

  private refuse(to: string, refusal: Omit<PairRefusal, 'k'>): void {
    this.messenger.relay.send({ t: 'send', to, payload: clearPayload({ k: 'pair-refused', ...refusal }) });
  }

  private async onKnock(handle: string, from: string, payload: string): Promise<void> {
    const secrets = this.secrets;
    if (!this.open || !secrets || secrets.handle !== handle) {
      this.refuse(from, { code: 'not-pairing' });
      return;
    }
    const allowed = this.guard.check();
    if (!allowed.ok) {
      this.refuse(from, { code: 'locked-out', retryAfterMs: allowed.retryAfterMs });
      return;
    }
    let key: CryptoKey | null = null;
    let msg: unknown;
    for (const k of secrets.keys) {
      try {
        msg = await pairOpen(await k, payload);
        key = await k;
        break;
      } catch {
        // try the other secret
      }
    }
    const parsed = key ? parsePairMessage(msg) : null;
    if (!key || !parsed?.ok || parsed.msg.k !== 'pair-request') {
      const r = this.guard.fail();
      this.emit('failed', from, r.attemptsLeft, r.retryAfterMs);
      this.refuse(
        from,
        r.retryAfterMs !== undefined
          ? { code: 'locked-out', retryAfterMs: r.retryAfterMs }
          : { code: 'wrong-code', attemptsLeft: r.attemptsLeft },
      );
      return;
    }
    const card = parsed.msg.card;
    // The relay stamps `from`; the card must belong to that authenticated device.
    if (card.deviceId !== from || (await deviceIdFromSignPublic(card.signPublic)) !== from) {
      this.refuse(from, { code: 'wrong-code', attemptsLeft: 0 });
      return;
    }
    this.guard.succeed();
    const peer: PairedPeer = {
      ...card,
      role: 'viewer',
      pairedAt: Date.now(),
      permissions: { watch: true, talk: true, manage: true },
    };
    await this.messenger.peers.add(peer);
    const accept = await pairSeal(key, { k: 'pair-accept', card: this.myCard(), nonce: randomNonce() });
    this.messenger.relay.send({ t: 'send', to: from, payload: accept });
    // One code, one pairing.
    this.stop();
    this.emit('paired', peer);
  }
}
