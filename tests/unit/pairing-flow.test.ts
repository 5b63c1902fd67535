/**
 * The pairing flows of camera and viewer against an in-memory relay (routing
 * and handles only): the commit/reveal exchange, the SAS both screens show,
 * wrong codes and lockout, the QR path, and a relay in the middle that knows
 * the typed code. The real relay and real browsers are in tests/e2e.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateIdentity, type Identity } from '../../src/shared/crypto/identity.ts';
import { parseTypedCode } from '../../src/shared/crypto/pairing.ts';
import { payloadKind } from '../../src/shared/crypto/seal.ts';
import type { PeerCard } from '../../src/shared/session.ts';
import type { RelayErrorCode } from '../../src/shared/protocol.ts';
import {
  CameraPairing,
  type PairingOffer,
  type PendingViewer,
} from '../../src/app/pairing/camera-pairing.ts';
import { pairWithCode } from '../../src/app/pairing/viewer-pairing.ts';
import type { PairingTransport } from '../../src/app/pairing/transport.ts';
import type { PairedPeer } from '../../src/app/db.ts';
import { AppError } from '../../src/app/errors.ts';
import { PairingGuard } from '../../src/app/pairing/guard.ts';

type Listener<A extends unknown[]> = Set<(...a: A) => void>;

/** Routes like the relay: handles to owners, payloads by device ID, `from` stamped. */
class MemoryRelay {
  handles = new Map<string, string>();
  expired = new Set<string>();
  nodes = new Map<string, MemoryTransport>();
  private n = 0;
  /** A hostile relay may rewrite anything that passes. */
  tap: (from: string, to: string, payload: string) => { from: string; to: string; payload: string } | null = (
    from,
    to,
    payload,
  ) => ({ from, to, payload });

  newHandle(owner: string): { handle: string; expiresAt: number } {
    for (const [h, o] of this.handles) if (o === owner) this.close(h, owner);
    const handle = `H${String(this.n++).padStart(3, '0')}`.replace(/[ILOU]/g, '0');
    this.handles.set(handle, owner);
    return { handle, expiresAt: Date.now() + 300_000 };
  }
  close(handle: string, owner: string): void {
    if (this.handles.get(handle) !== owner) return;
    this.handles.delete(handle);
    this.expired.add(handle);
  }
  deliver(from: string, to: string, payload: string): void {
    const t = this.tap(from, to, payload);
    if (!t) return;
    queueMicrotask(() => this.nodes.get(t.to)?.receive(t.from, t.payload));
  }
}

class MemoryTransport implements PairingTransport {
  opened: Listener<[string, number]> = new Set();
  knocked: Listener<[string, string, string]> = new Set();
  payloads: Listener<[string, string]> = new Set();
  knockErrors: Listener<[number, RelayErrorCode, number | undefined]> = new Set();
  onlines: Listener<[boolean]> = new Set();
  private online = true;
  private ref = 0;
  constructor(
    readonly relay: MemoryRelay,
    readonly selfId: string,
  ) {
    relay.nodes.set(selfId, this);
  }
  isOnline = () => this.online;
  /** The connection to the relay drops (or comes back): like the real client, sends while away are lost. */
  setOnline(online: boolean): void {
    this.online = online;
    this.onlines.forEach((f) => f(online));
  }
  openHandle(): void {
    if (!this.online) return;
    const { handle, expiresAt } = this.relay.newHandle(this.selfId);
    queueMicrotask(() => this.opened.forEach((f) => f(handle, expiresAt)));
  }
  closeHandle(handle: string): void {
    this.relay.close(handle, this.selfId);
  }
  knock(handle: string, payload: string): number {
    const ref = ++this.ref;
    const owner = this.relay.handles.get(handle);
    if (!owner) {
      const code: RelayErrorCode = this.relay.expired.has(handle) ? 'pair-expired' : 'pair-unknown';
      queueMicrotask(() => this.knockErrors.forEach((f) => f(ref, code, undefined)));
    } else {
      const t = this.relay.tap(this.selfId, owner, payload);
      if (t)
        queueMicrotask(() =>
          this.relay.nodes.get(t.to)?.knocked.forEach((f) => f(handle, t.from, t.payload)),
        );
    }
    return ref;
  }
  send(to: string, payload: string): void {
    if (this.online) this.relay.deliver(this.selfId, to, payload);
  }
  receive(from: string, payload: string): void {
    if (!this.online) return;
    const kind = payloadKind(payload);
    if (kind === 'pair' || kind === 'clear') this.payloads.forEach((f) => f(from, payload));
  }
  onOpened = (f: (h: string, e: number) => void) => add(this.opened, f);
  onKnocked = (f: (h: string, from: string, p: string) => void) => add(this.knocked, f);
  onPayload = (f: (from: string, p: string) => void) => add(this.payloads, f);
  onKnockError = (f: (r: number, c: RelayErrorCode, ms?: number) => void) => add(this.knockErrors, f);
  onOnline = (f: (online: boolean) => void) => add(this.onlines, f);
}

function add<A extends unknown[]>(set: Listener<A>, f: (...a: A) => void): () => void {
  set.add(f);
  return () => set.delete(f);
}

const FP = Array.from({ length: 32 }, () => 'AB').join(':');
function cardOf(id: Identity, name: string): PeerCard {
  return {
    deviceId: id.deviceId,
    name,
    signPublic: id.signPublic,
    ecdhPublic: id.ecdhPublic,
    certFingerprint: FP,
  };
}

function next<T>(
  subscribe: (f: (v: T) => void) => () => void,
  pred: (v: T) => boolean = () => true,
): Promise<T> {
  return new Promise((resolve) => {
    const off = subscribe((v) => {
      if (!pred(v)) return;
      off();
      resolve(v);
    });
  });
}

/** Every camera made by a test, disposed after it so no renewal timer outlives the test. */
const cameras: CameraPairing[] = [];
afterEach(() => {
  for (const c of cameras.splice(0)) c.dispose();
});

async function setup(
  guard?: PairingGuard,
  opts: { remoteFor?: string; store?: (p: PairedPeer) => Promise<void>; storing?: () => void } = {},
) {
  const relay = new MemoryRelay();
  const camId = await generateIdentity();
  const viewId = await generateIdentity();
  const camT = new MemoryTransport(relay, camId.deviceId);
  const viewT = new MemoryTransport(relay, viewId.deviceId);
  const cameraStored: PairedPeer[] = [];
  const camera = new CameraPairing(
    camT,
    () => cardOf(camId, 'Front door'),
    opts.store ??
      (async (p) => {
        opts.storing?.();
        await Promise.resolve();
        cameraStored.push(p);
      }),
    guard,
    async (id) => {
      const at = cameraStored.findIndex((p) => p.deviceId === id);
      if (at >= 0) cameraStored.splice(at, 1);
    },
  );
  cameras.push(camera);
  const offer = next<PairingOffer | null>(
    (f) => camera.on('offer', f),
    (o) => o !== null,
  ) as Promise<PairingOffer>;
  camera.start(opts.remoteFor ? { remoteFor: opts.remoteFor } : {});
  return { relay, camId, viewId, camT, viewT, camera, cameraStored, offer: await offer };
}

describe('pairing flow', () => {
  it('typed code: both screens show the same SAS, and pairing completes only when both confirm', async () => {
    const s = await setup();
    const pending = next<PendingViewer | null>(
      (f) => s.camera.on('pending', f),
      (p) => p !== null,
    );
    let viewerSas = '';
    const viewerStored: PairedPeer[] = [];
    const paired = pairWithCode(s.viewT, cardOf(s.viewId, 'Phone'), s.offer.typedCode, {
      store: async (p) => void viewerStored.push(p),
      confirmSas: async (sas) => {
        viewerSas = sas;
        return true;
      },
    });
    const p = (await pending) as PendingViewer;
    assert.match(p.sas, /^\d{6}$/);
    assert.equal(p.deviceId, s.viewId.deviceId);
    assert.equal(s.cameraStored.length, 0, 'nothing stored before the camera confirms');
    const cameraPaired = next<PairedPeer>((f) => s.camera.on('paired', f));
    s.camera.confirm(true);
    const peer = await paired;
    await cameraPaired;
    assert.equal(viewerSas, p.sas, 'both screens show the same digits');
    assert.equal(peer.deviceId, s.camId.deviceId);
    assert.equal(peer.role, 'camera');
    assert.deepEqual(
      s.cameraStored.map((v) => [v.deviceId, v.role]),
      [[s.viewId.deviceId, 'viewer']],
    );
    assert.equal(viewerStored.length, 1);
    // One code, one pairing: the handle is gone.
    await assert.rejects(
      pairWithCode(s.viewT, cardOf(s.viewId, 'Phone'), s.offer.typedCode, {
        store: async () => undefined,
        confirmSas: async () => true,
      }),
      (e: unknown) => e instanceof AppError && e.code === 'pair-expired',
    );
  });

  it('typed code: a "no" on either screen stores nothing on either side', async () => {
    for (const refuser of ['viewer', 'camera'] as const) {
      const s = await setup();
      const stored: PairedPeer[] = [];
      s.camera.on('pending', (p) => {
        if (p) s.camera.confirm(refuser !== 'camera');
      });
      const cancelled = next<[string, string]>((f) => s.camera.on('cancelled', (a, b) => f([a, b])));
      await assert.rejects(
        pairWithCode(s.viewT, cardOf(s.viewId, 'Phone'), s.offer.typedCode, {
          store: async (p) => void stored.push(p),
          confirmSas: async () => refuser !== 'viewer',
        }),
        (e: unknown) => e instanceof AppError && e.code === 'pair-cancelled',
        refuser,
      );
      await cancelled;
      assert.equal(stored.length, 0, refuser);
      assert.equal(s.cameraStored.length, 0, refuser);
    }
  });

  it('QR code: pairs without a comparison step, and only with the camera the code names', async () => {
    const s = await setup();
    s.camera.on('pending', (p) => assert.equal(p, null, 'no SAS step for the QR path'));
    const peer = await pairWithCode(
      s.viewT,
      cardOf(s.viewId, 'Phone'),
      `https://x/#/pair/${s.offer.qrFragment}`,
      {
        store: async () => undefined,
        confirmSas: async () => assert.fail('QR pairing must not ask to compare digits'),
      },
    );
    assert.equal(peer.deviceId, s.camId.deviceId);
    assert.equal(s.cameraStored.length, 1);
  });

  it('wrong codes count down, then lock pairing with a retry time; the right code is refused while locked', async () => {
    let now = 1_000_000;
    const s = await setup(new PairingGuard({ now: () => now }));
    const code = parseTypedCode(s.offer.typedCode)!;
    const wrong = `${code.handle}-${code.secret === '0000' ? '1111' : '0000'}`;
    const opts = { store: async () => undefined, confirmSas: async () => true };
    const details: string[] = [];
    for (let i = 0; i < 5; i++) {
      await assert.rejects(pairWithCode(s.viewT, cardOf(s.viewId, 'P'), wrong, opts), (e: unknown) => {
        assert.ok(e instanceof AppError);
        details.push(`${e.code}:${e.detail ?? ''}`);
        return true;
      });
    }
    assert.deepEqual(details.slice(0, 4), [
      'pair-wrong-code:4 attempts left',
      'pair-wrong-code:3 attempts left',
      'pair-wrong-code:2 attempts left',
      'pair-wrong-code:1 attempt left',
    ]);
    assert.match(details[4]!, /^pair-locked-out:try again in 5 min$/);
    await assert.rejects(
      pairWithCode(s.viewT, cardOf(s.viewId, 'P'), s.offer.typedCode, opts),
      (e: unknown) => e instanceof AppError && e.code === 'pair-locked-out',
    );
    now += 5 * 60_000 + 1;
    // The lockout is over; the camera replaced the code meanwhile? No: the same code still works.
    s.camera.on('pending', (p) => p && s.camera.confirm(true));
    const peer = await pairWithCode(s.viewT, cardOf(s.viewId, 'P'), s.offer.typedCode, opts);
    assert.equal(peer.deviceId, s.camId.deviceId);
  });

  it('a relay that knows the typed code and sits in the middle cannot make the two SAS agree', async () => {
    const s = await setup();
    const mallory = await generateIdentity();
    const malloryAsCamera = new MemoryTransport(s.relay, mallory.deviceId);
    // The relay brute-forced the 20-bit secret from the knock (it can); it now pairs with both sides itself.
    const code = s.offer.typedCode;
    // 1) Mallory pairs with the real camera as if it were the viewer.
    const cameraSas = next<PendingViewer | null>(
      (f) => s.camera.on('pending', f),
      (p) => p !== null,
    );
    void pairWithCode(malloryAsCamera, cardOf(mallory, 'Phone'), code, {
      store: async () => undefined,
      confirmSas: () => new Promise<boolean>(() => undefined),
    }).catch(() => undefined);
    const atCamera = (await cameraSas) as PendingViewer;
    // 2) Mallory plays camera to the real viewer with its own keys and a code of its own.
    const mallory2 = await generateIdentity();
    const fakeCamera = new CameraPairing(
      new MemoryTransport(s.relay, mallory2.deviceId),
      () => cardOf(mallory2, 'Front door'),
      async () => undefined,
    );
    cameras.push(fakeCamera);
    const fakeOffer = next<PairingOffer | null>(
      (f) => fakeCamera.on('offer', f),
      (o) => o !== null,
    );
    fakeCamera.start();
    const fake = (await fakeOffer) as PairingOffer;
    let atViewer = '';
    void pairWithCode(s.viewT, cardOf(s.viewId, 'Phone'), fake.typedCode, {
      store: async () => undefined,
      confirmSas: async (sas) => {
        atViewer = sas;
        return new Promise<boolean>(() => undefined);
      },
    }).catch(() => undefined);
    await new Promise<void>((r) => {
      const check = () => (atViewer ? r() : setImmediate(check));
      check();
    });
    assert.match(atViewer, /^\d{6}$/);
    assert.notEqual(atViewer, atCamera.sas, 'the person sees two different numbers and refuses');
    assert.equal(s.cameraStored.length, 0);
  });

  it('the viewer completes only once the camera has stored the pairing (its first request never finds it unpaired)', async () => {
    const order: string[] = [];
    // A slow disk at the camera: the write takes a while after both sides confirmed.
    const s = await setup(undefined, {
      store: async () => {
        await new Promise((r) => setTimeout(r, 30));
        order.push('camera stored');
      },
    });
    s.camera.on('pending', (p) => p && s.camera.confirm(true));
    await pairWithCode(s.viewT, cardOf(s.viewId, 'Phone'), s.offer.typedCode, {
      store: async () => void order.push('viewer stored'),
      confirmSas: async () => true,
    });
    assert.deepEqual(order, ['camera stored', 'viewer stored']);
  });

  /** A pairing under way, with a hook on the viewer's comparison step, and its outcome as a code. */
  async function pairingUnderWay(s: Awaited<ReturnType<typeof setup>>, onDigits = () => undefined as void) {
    const stored: PairedPeer[] = [];
    const pending = next<PendingViewer | null>(
      (f) => s.camera.on('pending', f),
      (p) => p !== null,
    );
    const cancelled = next<[string, string]>((f) => s.camera.on('cancelled', (a, b) => f([a, b])));
    const outcome = pairWithCode(s.viewT, cardOf(s.viewId, 'Phone'), s.offer.typedCode, {
      store: async (p) => void stored.push(p),
      confirmSas: async () => {
        onDigits();
        return true;
      },
      resumeWithinMs: 200,
    }).then(
      () => 'paired',
      (e: unknown) => (e instanceof AppError ? e.code : String(e)),
    );
    return { stored, pending, cancelled, outcome };
  }

  /** `pair-done` is the one message lost: the relay dies as it passes, cutting off `cut`. */
  function loseOnePairDone(s: Awaited<ReturnType<typeof setup>>, cut: MemoryTransport[]) {
    s.relay.tap = (from, to, payload) => {
      if (from !== s.camId.deviceId || to !== s.viewId.deviceId || s.cameraStored.length === 0)
        return { from, to, payload };
      s.relay.tap = (f, t, p) => ({ from: f, to: t, payload: p });
      for (const t of cut) t.setOnline(false);
      return null;
    };
  }

  /** Once back, the camera shows a fresh code (opening pairing again as its page does with no viewer), and it pairs. */
  async function freshCodePairs(s: Awaited<ReturnType<typeof setup>>, what: string) {
    const fresh = next<PairingOffer | null>(
      (f) => s.camera.on('offer', f),
      (o) => o !== null,
    ) as Promise<PairingOffer>;
    if (s.camera.mode === null) s.camera.start();
    // The camera may have its fresh code already (it asks for one as soon as it is back).
    const shown = s.camera.offer;
    const offer = shown && shown.typedCode !== s.offer.typedCode ? shown : await fresh;
    assert.notEqual(offer.typedCode, s.offer.typedCode, what);
    s.camera.on('pending', (p) => p && s.camera.confirm(true));
    const peer = await pairWithCode(s.viewT, cardOf(s.viewId, 'Phone'), offer.typedCode, {
      store: async () => undefined,
      confirmSas: async () => true,
    });
    assert.equal(peer.deviceId, s.camId.deviceId, what);
    assert.equal(s.cameraStored.length, 1, what);
  }

  it('the relay drops before the viewer confirmed (either side): a clear error, nothing stored, and the fresh code pairs', async () => {
    for (const side of ['camera', 'viewer'] as const) {
      const what = `${side} loses the relay while the digits are shown`;
      const s = await setup();
      const cutOff = side === 'camera' ? s.camT : s.viewT;
      const run = await pairingUnderWay(s, () => cutOff.setOnline(false));
      if (side === 'viewer') assert.equal(await run.outcome, 'pair-interrupted', `${what}: at once`);
      else assert.match((await run.cancelled)[1], /relay connection dropped/, what);
      cutOff.setOnline(true);
      // The side that was cut tells the other once it is back.
      if (side === 'camera') assert.equal(await run.outcome, 'pair-interrupted', `${what}: when back`);
      else assert.match((await run.cancelled)[1], /viewer lost the relay/, what);
      assert.equal(run.stored.length, 0, what);
      assert.equal(s.cameraStored.length, 0, what);
      await freshCodePairs(s, what);
    }
  });

  it('the camera drops the relay after the viewer confirmed: the viewer hears the pairing ended when the camera is back', async () => {
    const s = await setup();
    const run = await pairingUnderWay(s);
    await run.pending;
    s.camT.setOnline(false);
    s.camera.confirm(true); // the person at the camera confirms after the drop: too late
    assert.match((await run.cancelled)[1], /relay connection dropped/);
    s.camT.setOnline(true);
    assert.equal(await run.outcome, 'pair-interrupted');
    assert.equal(run.stored.length + s.cameraStored.length, 0);
    await freshCodePairs(s, 'after the camera was cut');
  });

  for (const order of ['viewer back first', 'camera back first', 'only the viewer was cut'] as const) {
    it(`both confirmed and the relay drops before pair-done arrives (${order}): the pairing finishes when the relay is back`, async () => {
      const s = await setup();
      loseOnePairDone(s, order === 'only the viewer was cut' ? [s.viewT] : [s.viewT, s.camT]);
      const run = await pairingUnderWay(s);
      await run.pending;
      s.camera.confirm(true);
      await new Promise<void>((r) => {
        const check = () => (s.viewT.isOnline() ? setImmediate(check) : r());
        check();
      });
      assert.equal(s.cameraStored.length, 1, 'the camera stored it before the relay died');
      const first = order === 'camera back first' ? s.camT : s.viewT;
      const second = order === 'camera back first' ? s.viewT : s.camT;
      first.setOnline(true);
      second.setOnline(true);
      assert.equal(await run.outcome, 'paired');
      assert.equal(run.stored.length, 1);
      assert.equal(s.cameraStored.length, 1);
    });
  }

  it('the relay drops while the camera is storing the pairing, and the viewer is back first: the camera says pair-done when it is back', async () => {
    let cut = (): void => undefined;
    const s = await setup(undefined, { storing: () => cut() });
    cut = () => {
      s.viewT.setOnline(false);
      s.camT.setOnline(false);
    };
    const run = await pairingUnderWay(s);
    await run.pending;
    const paired = next<PairedPeer>((f) => s.camera.on('paired', f));
    s.camera.confirm(true);
    await paired;
    assert.equal(s.cameraStored.length, 1);
    // The viewer confirms again as soon as it is back, while the camera is still away: that
    // is lost too. The camera is back just after.
    s.relay.tap = (from, to, payload) => {
      if (from === s.viewId.deviceId) {
        s.relay.tap = (f, t, p) => ({ from: f, to: t, payload: p });
        setImmediate(() => s.camT.setOnline(true));
      }
      return { from, to, payload };
    };
    s.viewT.setOnline(true);
    assert.equal(await run.outcome, 'paired');
    assert.equal(run.stored.length, 1);
  });

  it('both confirmed, pair-done lost, and the relay stays away longer than the viewer waits: the camera forgets it too when the viewer is back', async () => {
    const s = await setup();
    loseOnePairDone(s, [s.viewT]);
    const run = await pairingUnderWay(s);
    await run.pending;
    s.camera.confirm(true);
    // The viewer gives up after `resumeWithinMs` (200 ms here) and shows the error.
    assert.equal(await run.outcome, 'pair-interrupted');
    assert.equal(s.cameraStored.length, 1, 'stored at the camera meanwhile');
    s.viewT.setOnline(true);
    assert.match((await run.cancelled)[1], /before the pairing was through/);
    assert.equal(s.cameraStored.length, 0, 'neither side holds half a pairing');
    assert.equal(run.stored.length, 0);
  });

  it('remote mode: typed code only, the camera’s own confirmation counts for nothing, the managing viewer’s pairs', async () => {
    const manager = 'm'.repeat(26);
    const s = await setup(undefined, { remoteFor: manager });
    assert.equal(s.camera.mode, manager);
    assert.equal(s.offer.qrFragment, '', 'no QR code: it would pair without a comparison');
    const pending = next<PendingViewer | null>(
      (f) => s.camera.on('pending', f),
      (p) => p !== null,
    );
    const paired = pairWithCode(s.viewT, cardOf(s.viewId, 'Phone'), s.offer.typedCode, {
      store: async () => undefined,
      confirmSas: async () => true,
    });
    const p = (await pending) as PendingViewer;
    assert.equal(p.remoteFor, manager);
    s.camera.confirm(true); // someone at the camera
    s.camera.confirm(true, 'x'.repeat(26)); // another viewer
    // Asserting that nothing happens: give the viewer's own confirmation (sent at once) ample
    // time to arrive and be acted on, which would complete the pairing had either counted.
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(s.cameraStored.length, 0, 'nobody but the manager confirms');
    const done = next<PairedPeer>((f) => s.camera.on('paired', f));
    s.camera.confirm(true, manager);
    await paired;
    await done;
    assert.equal(s.cameraStored.length, 1);
    assert.equal(s.camera.mode, null, 'one code, one pairing');
  });

  it('remote mode: stopping it tells the manager, and a local start replaces it', async () => {
    const manager = 'm'.repeat(26);
    const s = await setup(undefined, { remoteFor: manager });
    const ended = next<[string, string]>((f) => s.camera.on('remote-ended', (a, b) => f([a, b])));
    s.camera.start();
    assert.deepEqual(await ended, [manager, 'cancelled']);
    assert.equal(s.camera.mode, 'local');
  });
});
