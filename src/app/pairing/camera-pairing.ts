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
 *
 * The camera stores the pairing before it says `pair-done`, and the viewer
 * completes only on `pair-done`: the viewer never holds a pairing the camera
 * does not (a tap on the new tile would be refused as "not paired").
 *
 * Remote mode (issue 12): an owner's phone with `manage` opens the pairing
 * (`start({ remoteFor })`) for a locked door station. Then only typed codes
 * work (no QR to complete without a comparison), the six digits go to that
 * phone, and only that phone's confirmation counts: nothing typed or pressed
 * at the door pairs anyone.
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
import { parsePairMessage, type PairMessage, type PairRefusal, type PeerCard } from '../../shared/session.ts';
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
  /** Remote mode: the managing viewer that confirms; null when the person at the camera does. */
  remoteFor: string | null;
}

interface Settled {
  from: string;
  key: CryptoKey;
  outcome: 'stored' | 'interrupted';
  timer: ReturnType<typeof setTimeout>;
}

interface Pending {
  from: string;
  /** Remote mode: the managing viewer whose confirmation counts. */
  remoteFor: string | null;
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
  /** Remote mode ended without a pairing (its code expired, or it was stopped). */
  'remote-ended': [managerId: string, reason: 'timed-out' | 'cancelled'];
};

/** How long a right code may wait for the people to confirm. */
const CONFIRM_TIMEOUT_MS = 120_000;

export class CameraPairing extends Emitter<CameraPairingEvents> {
  offer: PairingOffer | null = null;
  private secrets: {
    handle: string;
    short: Promise<CryptoKey>;
    long: Promise<CryptoKey> | null;
  } | null = null;
  private pending: Pending | null = null;
  /**
   * The last pairing this camera finished (`stored`) or ended on losing the relay
   * (`interrupted`), while its viewer may still need to hear how it ended: a message lost with
   * the relay is said again when the relay is back, and again when the viewer asks.
   */
  private settled: Settled | null = null;
  private open = false;
  /** Remote mode: the managing viewer that started this pairing. */
  private remote: string | null = null;
  private readonly unsubs: (() => void)[] = [];
  private renewTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly transport: PairingTransport,
    private readonly myCard: () => PeerCard,
    private readonly store: (peer: PairedPeer) => Promise<void>,
    private readonly guard = new PairingGuard(),
    /** Undo `store`: the viewer never heard `pair-done` (it lost the relay) and says so. */
    private readonly forget: (deviceId: string) => Promise<void> = async () => undefined,
  ) {
    super();
    this.unsubs.push(
      transport.onOpened((handle, expiresAt) => void this.onOpened(handle, expiresAt)),
      transport.onKnocked((handle, from, payload) => void this.onKnock(handle, from, payload)),
      transport.onPayload((from, payload) => void this.onPayload(from, payload)),
      transport.onOnline((online) => {
        if (online) {
          this.sayHowItEnded();
          if (this.open) transport.openHandle();
          return;
        }
        // Whatever the relay held for us is gone (the handle, messages in flight): a pairing
        // half-way through cannot finish, so it ends here, the viewer hears so when we are
        // back, and a fresh code follows.
        this.setOffer(null);
        const p = this.pending;
        if (p) {
          this.dropPending('the relay connection dropped');
          this.settle(p, 'interrupted');
        }
      }),
    );
  }

  /** Who started the pairing that is open: a managing viewer's ID, `local`, or null when closed. */
  get mode(): string | null {
    return this.open ? (this.remote ?? 'local') : null;
  }

  /**
   * Start showing codes (and keep renewing them until `stop`). With `remoteFor`, the pairing
   * is the managing viewer's: typed codes only, confirmed on that viewer, and one code only.
   */
  start(opts: { remoteFor?: string } = {}): void {
    const remote = opts.remoteFor ?? null;
    if (this.open && this.remote === remote) return;
    if (this.open) this.stop();
    this.open = true;
    this.remote = remote;
    if (this.transport.isOnline()) this.transport.openHandle();
  }

  stop(): void {
    const remote = this.open ? this.remote : null;
    this.open = false;
    this.remote = null;
    clearTimeout(this.renewTimer);
    if (this.secrets) this.transport.closeHandle(this.secrets.handle);
    this.secrets = null;
    this.setOffer(null);
    this.dropPending('stopped', false);
    if (remote) this.emit('remote-ended', remote, 'cancelled');
  }

  dispose(): void {
    this.stop();
    if (this.settled) clearTimeout(this.settled.timer);
    for (const u of this.unsubs) u();
  }

  /**
   * The SAS was compared: `true` to pair, `false` to refuse. `by` is the managing viewer in
   * remote mode (only its word counts then); absent for the person at the camera.
   */
  confirm(ok: boolean, by?: string): void {
    const p = this.pending;
    if (!p?.card || (by ?? null) !== p.remoteFor) return;
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
    // Remote mode has no QR path: the QR completes without a comparison, and the comparison
    // on the owner's phone is the point.
    const long = this.remote ? null : newQrSecret();
    this.secrets = {
      handle,
      short: derivePairKey(short, handle),
      long: long ? derivePairKey(long, handle) : null,
    };
    this.setOffer({
      handle,
      typedCode: formatTypedCode(handle, short),
      qrFragment: long ? qrPairFragment(handle, long, this.transport.selfId) : '',
      expiresAt,
    });
    // Renew just before the relay forgets the handle (its clock, our timer: keep a margin).
    // A remote pairing gets one code: when it runs out, the owner starts again.
    clearTimeout(this.renewTimer);
    const ttl = Math.max(1000, expiresAt - Date.now() - 1000);
    this.renewTimer = setTimeout(() => {
      if (!this.open || this.pending) return;
      const remote = this.remote;
      if (remote) {
        this.stop();
        this.emit('remote-ended', remote, 'timed-out');
        return;
      }
      this.transport.openHandle();
    }, ttl);
  }

  private refuse(to: string, refusal: Omit<PairRefusal, 'k'>): void {
    this.transport.send(to, clearPayload({ k: 'pair-refused', ...refusal }));
  }

  private async sendSealed(p: Pick<Pending, 'from' | 'key'>, msg: unknown): Promise<void> {
    this.transport.send(p.from, await pairSeal(p.key, msg));
  }

  private async onKnock(handle: string, from: string, payload: string): Promise<void> {
    const secrets = this.secrets;
    if (!this.open || !secrets || secrets.handle !== handle) return this.refuse(from, { code: 'expired' });
    if (this.pending && this.pending.from !== from) return this.refuse(from, { code: 'busy' });
    const allowed = this.guard.check();
    if (!allowed.ok) return this.refuse(from, { code: 'locked-out', retryAfterMs: allowed.retryAfterMs });

    let opened: { key: CryptoKey; viaQr: boolean; msg: unknown } | null = null;
    const keys: [Promise<CryptoKey>, boolean][] = [[secrets.short, false]];
    if (secrets.long) keys.push([secrets.long, true]);
    for (const [k, viaQr] of keys) {
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
      remoteFor: this.remote,
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
    if (this.settled?.from === from) await this.answerSettled(this.settled, payload);
    const p = this.pending;
    if (!p || p.from !== from) return;
    const m = await openPairMessage(p.key, payload);
    if (!m) return;
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
        this.emit('pending', {
          deviceId: card.deviceId,
          name: card.name,
          sas: p.sas,
          remoteFor: p.remoteFor,
        });
        return;
      }
      case 'pair-confirm':
        p.remoteOk = true;
        return void this.maybeComplete(p);
      case 'pair-reject':
        return this.dropPending(
          m.reason === 'interrupted' ? 'the viewer lost the relay connection' : 'rejected on the viewer',
        );
      case 'pair-hello':
      case 'pair-accept':
      case 'pair-done':
        return;
    }
  }

  private settle(p: Pick<Pending, 'from' | 'key'>, outcome: Settled['outcome']): void {
    if (this.settled) clearTimeout(this.settled.timer);
    const settled: Settled = {
      from: p.from,
      key: p.key,
      outcome,
      timer: setTimeout(() => {
        if (this.settled === settled) this.settled = null;
      }, CONFIRM_TIMEOUT_MS),
    };
    this.settled = settled;
  }

  /** Back on the relay: say again what may have been lost with it. */
  private sayHowItEnded(): void {
    const s = this.settled;
    if (s?.outcome === 'interrupted') void this.sendSealed(s, { k: 'pair-reject', reason: 'interrupted' });
    // Stored here: `pair-done` may have been lost with the relay (also one that died while the
    // pairing was being stored); a viewer that already has it ignores a second one.
    if (s?.outcome === 'stored') void this.sendSealed(s, { k: 'pair-done' });
  }

  /**
   * A message from the viewer of the last pairing, after it ended here. Two sides over a relay
   * that may die between two messages cannot both be sure how a pairing ended, so:
   * - stored here, and the viewer confirms again (it lost the relay before `pair-done` came):
   *   `pair-done` again;
   * - stored here, and the viewer says `pair-reject` (it gave up waiting and showed an error):
   *   forget the pairing too, so that neither side holds half of one;
   * - ended here by the relay's loss: whatever the viewer says, `pair-reject` (interrupted).
   */
  private async answerSettled(s: Settled, payload: string): Promise<void> {
    const m = await openPairMessage(s.key, payload);
    if (!m || this.settled !== s) return;
    const rejected = m.k === 'pair-reject';
    if (s.outcome === 'interrupted') {
      if (rejected) this.settled = null;
      else await this.sendSealed(s, { k: 'pair-reject', reason: 'interrupted' });
      return;
    }
    if (!rejected) {
      if (m.k === 'pair-confirm') await this.sendSealed(s, { k: 'pair-done' });
      return;
    }
    clearTimeout(s.timer);
    this.settled = null;
    await this.forget(s.from);
    this.emit('cancelled', s.from, 'the viewer lost the relay connection before the pairing was through');
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
    // Stored first, then told: the viewer completes on `pair-done`, so its first request finds us paired.
    await this.store(peer);
    this.emit('pending', null);
    // One code, one pairing. Closed (and `paired` said) before anything else is awaited: a new
    // pairing started after this point must not be closed by this one finishing.
    this.open = false;
    this.remote = null;
    this.stop();
    this.emit('paired', peer);
    this.settle(p, 'stored');
    await this.sendSealed(p, { k: 'pair-done' });
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

/** A pairing message sealed with `key`, checked; null when it is not for that pairing or malformed. */
async function openPairMessage(key: CryptoKey, payload: string): Promise<PairMessage | null> {
  let opened: unknown;
  try {
    opened = await pairOpen(key, payload);
  } catch {
    return null;
  }
  const parsed = parsePairMessage(opened);
  return parsed.ok ? parsed.msg : null;
}
