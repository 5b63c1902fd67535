/**
 * The camera's side of pairing. While open, it holds a short-lived handle on
 * the relay and shows two ways in: a typed code (handle + 20-bit secret) and a
 * QR link (handle + 128-bit secret + this camera's ID). Everything a viewer
 * sends is sealed under a key derived from one of the secrets, so the relay
 * can neither read nor forge it; wrong secrets count against the PairingGuard.
 *
 * A typed code is short enough for a hostile relay to brute-force, so after
 * the commit/reveal exchange (see `PairMessage` in session.ts) both screens
 * show a six-digit SAS and each person confirms it. The QR path needs no
 * comparison. A completed pairing closes the handle: every code works once.
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
import { Emitter } from '../util/emitter.ts';
import { PairingGuard } from './guard.ts';
import { randomNonce } from './card.ts';
import { pairCommit, pairSas } from './commit.ts';
import type { PairingTransport } from './transport.ts';

export interface PairingOffer {
  handle: string;
  typedCode: string;
  /** URL fragment for the QR code, after `#/pair/`. */
  qrFragment: string;
  expiresAt: number;
}

/** A viewer that revealed its card and waits for the person at the camera to confirm the SAS. */
export interface PendingViewer {
  deviceId: string;
  name: string;
  sas: string;
}

interface Pending {
  from: string;
  key: CryptoKey;
  viaQr: boolean;
  commit: string;
  nonce: string;
  card?: PeerCard;
  sas?: string;
  localOk: boolean;
  remoteOk: boolean;
  timer: ReturnType<typeof setTimeout>;
}

type CameraPairingEvents = {
  offer: [PairingOffer | null];
  pending: [PendingViewer | null];
  paired: [PairedPeer];
  /** A wrong code was tried (for the access log and the status line). */
  failed: [from: string, attemptsLeft: number, retryAfterMs: number | undefined];
  /** The pairing was cancelled by either person (or timed out) after the code was right. */
  cancelled: [from: string, reason: string];
};

/** How long a right code may wait for the people to confirm. */
const CONFIRM_TIMEOUT_MS = 120_000;

export class CameraPairing extends Emitter<CameraPairingEvents> {
  offer: PairingOffer | null = null;
  private secrets: { handle: string; short: Promise<CryptoKey>; long: Promise<CryptoKey> } | null = null;
  private pending: Pending | null = null;
  private open = false;
  private readonly unsubs: (() => void)[] = [];
  private renewTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly transport: PairingTransport,
    private readonly myCard: () => PeerCard,
    private readonly store: (peer: PairedPeer) => Promise<void>,
    private readonly guard = new PairingGuard(),
  ) {
    super();
    this.unsubs.push(
      transport.onOpened((handle, expiresAt) => void this.onOpened(handle, expiresAt)),
      transport.onKnocked((handle, from, payload) => void this.onKnock(handle, from, payload)),
      transport.onPayload((from, payload) => void this.onPayload(from, payload)),
      transport.onOnline((online) => {
        if (online && this.open) transport.openHandle();
        if (!online) this.setOffer(null);
      }),
    );
  }

  /** Start showing codes (and keep renewing them until `stop`). */
  start(): void {
    if (this.open) return;
    this.open = true;
    if (this.transport.isOnline()) this.transport.openHandle();
  }

  stop(): void {
    this.open = false;
    clearTimeout(this.renewTimer);
    if (this.secrets) this.transport.closeHandle(this.secrets.handle);
    this.secrets = null;
    this.setOffer(null);
    this.dropPending('stopped');
  }

  dispose(): void {
    this.stop();
    for (const u of this.unsubs) u();
  }

  /** The person at the camera compared the SAS: `true` to pair, `false` to refuse. */
  confirm(ok: boolean): void {
    const p = this.pending;
    if (!p?.card) return;
    if (!ok) {
      void this.sendSealed(p, { k: 'pair-reject' });
      this.dropPending('rejected at the camera');
      return;
    }
    p.localOk = true;
    void this.sendSealed(p, { k: 'pair-confirm' });
    void this.maybeComplete(p);
  }

  private setOffer(offer: PairingOffer | null): void {
    this.offer = offer;
    this.emit('offer', offer);
  }

  private async onOpened(handle: string, expiresAt: number): Promise<void> {
    if (!this.open) return;
    const short = newShortSecret();
    const long = newQrSecret();
    this.secrets = { handle, short: derivePairKey(short, handle), long: derivePairKey(long, handle) };
    this.setOffer({
      handle,
      typedCode: formatTypedCode(handle, short),
      qrFragment: qrPairFragment(handle, long, this.transport.selfId),
      expiresAt,
    });
    // Renew just before the relay forgets the handle (its clock, our timer: keep a margin).
    clearTimeout(this.renewTimer);
    const ttl = Math.max(1000, expiresAt - Date.now() - 1000);
    this.renewTimer = setTimeout(() => {
      if (this.open && !this.pending) this.transport.openHandle();
    }, ttl);
  }

  private refuse(to: string, refusal: Omit<PairRefusal, 'k'>): void {
    this.transport.send(to, clearPayload({ k: 'pair-refused', ...refusal }));
  }

  private async sendSealed(p: Pending, msg: unknown): Promise<void> {
    this.transport.send(p.from, await pairSeal(p.key, msg));
  }

  private async onKnock(handle: string, from: string, payload: string): Promise<void> {
    const secrets = this.secrets;
    if (!this.open || !secrets || secrets.handle !== handle) return this.refuse(from, { code: 'expired' });
    if (this.pending && this.pending.from !== from) return this.refuse(from, { code: 'busy' });
    const allowed = this.guard.check();
    if (!allowed.ok) return this.refuse(from, { code: 'locked-out', retryAfterMs: allowed.retryAfterMs });

    let opened: { key: CryptoKey; viaQr: boolean; msg: unknown } | null = null;
    for (const [k, viaQr] of [
      [secrets.short, false],
      [secrets.long, true],
    ] as const) {
      try {
        const key = await k;
        opened = { key, viaQr, msg: await pairOpen(key, payload) };
        break;
      } catch {
        // try the other secret
      }
    }
    const parsed = opened ? parsePairMessage(opened.msg) : null;
    if (!opened || !parsed?.ok || parsed.msg.k !== 'pair-hello') {
      const r = this.guard.fail();
      this.emit('failed', from, r.attemptsLeft, r.retryAfterMs);
      return this.refuse(
        from,
        r.retryAfterMs !== undefined
          ? { code: 'locked-out', retryAfterMs: r.retryAfterMs }
          : { code: 'wrong-code', attemptsLeft: r.attemptsLeft },
      );
    }
    this.dropPending('replaced by a new request', false);
    const nonce = randomNonce();
    const p: Pending = {
      from,
      key: opened.key,
      viaQr: opened.viaQr,
      commit: parsed.msg.commit,
      nonce,
      localOk: opened.viaQr,
      remoteOk: opened.viaQr,
      timer: setTimeout(() => this.dropPending('timed out'), CONFIRM_TIMEOUT_MS),
    };
    this.pending = p;
    await this.sendSealed(p, { k: 'pair-accept', card: this.myCard(), nonce });
  }

  private async onPayload(from: string, payload: string): Promise<void> {
    const p = this.pending;
    if (!p || p.from !== from) return;
    let msg: unknown;
    try {
      msg = await pairOpen(p.key, payload);
    } catch {
      return; // not for this pairing
    }
    const parsed = parsePairMessage(msg);
    if (!parsed.ok) return;
    const m = parsed.msg;
    switch (m.k) {
      case 'pair-reveal': {
        if (p.card) return;
        const card = m.card;
        // The relay stamps `from`; the card must be that authenticated device's, and match the commit.
        const honest =
          card.deviceId === from &&
          (await deviceIdFromSignPublic(card.signPublic)) === from &&
          (await pairCommit(card, m.nonce)) === p.commit;
        if (!honest) return this.dropPending('the viewer’s keys did not match its commitment');
        p.card = card;
        p.sas = await pairSas(this.myCard(), p.nonce, card, m.nonce);
        if (p.viaQr) return void this.maybeComplete(p);
        this.emit('pending', { deviceId: card.deviceId, name: card.name, sas: p.sas });
        return;
      }
      case 'pair-confirm':
        p.remoteOk = true;
        return void this.maybeComplete(p);
      case 'pair-reject':
        return this.dropPending('rejected on the viewer');
      case 'pair-hello':
      case 'pair-accept':
        return;
    }
  }

  private async maybeComplete(p: Pending): Promise<void> {
    if (this.pending !== p || !p.card || !p.localOk || !p.remoteOk) return;
    clearTimeout(p.timer);
    this.pending = null;
    this.guard.succeed();
    const peer: PairedPeer = {
      ...p.card,
      role: 'viewer',
      pairedAt: Date.now(),
      permissions: { watch: true, talk: true, manage: true },
    };
    await this.store(peer);
    if (p.viaQr) await this.sendSealed(p, { k: 'pair-confirm' });
    this.emit('pending', null);
    // One code, one pairing.
    this.stop();
    this.emit('paired', peer);
  }

  private dropPending(reason: string, renew = true): void {
    const p = this.pending;
    if (!p) return;
    clearTimeout(p.timer);
    this.pending = null;
    this.emit('pending', null);
    this.emit('cancelled', p.from, reason);
    // The code was seen by someone: make a fresh one.
    if (renew && this.open && this.transport.isOnline()) this.transport.openHandle();
  }
}
