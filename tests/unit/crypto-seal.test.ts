import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { LIMITS, parseClientFrame } from '../../src/shared/protocol.ts';
import { fromB64u, toB64u } from '../../src/shared/crypto/b64u.ts';
import { CryptoError, type CryptoErrorCode } from '../../src/shared/crypto/errors.ts';
import { generateIdentity, type Identity } from '../../src/shared/crypto/identity.ts';
import { SealedChannel, clearPayload, payloadKind, type PeerKeys } from '../../src/shared/crypto/seal.ts';
import { derivePairKey, pairSeal } from '../../src/shared/crypto/pairing.ts';

const subtle = crypto.subtle;
const enc = (s: string) => new TextEncoder().encode(s);
const code = (c: CryptoErrorCode) => (e: unknown) => e instanceof CryptoError && e.code === c;
const keysOf = (id: Identity): PeerKeys => ({
  deviceId: id.deviceId,
  signPublic: id.signPublic,
  ecdhPublic: id.ecdhPublic,
});

/** A settable clock shared by the channels of one test. */
function clock(start = 1_700_000_000_000) {
  let t = start;
  return { now: () => t, set: (v: number) => (t = v), advance: (ms: number) => (t += ms) };
}

function mutate(payload: string, index: number): string {
  const bytes = fromB64u(payload);
  bytes[index < 0 ? bytes.length + index : index]! ^= 0x01;
  return toB64u(bytes);
}

/**
 * The sender side written again from the design comment in seal.ts, with
 * every field under the test's control: proves the wire format is what the
 * comment says and lets tests reach checks that honest senders never trip.
 */
let handCounter = 1_000_000;
async function handSeal(
  from: Identity,
  to: Identity,
  body: { f?: unknown; t?: unknown; ts?: unknown; c?: unknown; m?: unknown } | string,
  opts: { keyDirection?: 'forward' | 'reverse'; signWith?: Identity } = {},
): Promise<string> {
  // Honest counters unless the test sets `c` itself (high, so they never collide with a real channel's).
  if (typeof body !== 'string' && !('c' in body)) body = { ...body, c: ++handCounter };
  const peerEcdh = await subtle.importKey(
    'spki',
    fromB64u(to.ecdhPublic),
    { name: 'ECDH', namedCurve: 'P-256' },
    false,
    [],
  );
  const shared = await subtle.deriveBits({ name: 'ECDH', public: peerEcdh }, from.ecdhKeys.privateKey, 256);
  const ikm = await subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey']);
  const [lo, hi] = [from.deviceId, to.deviceId].sort();
  const salt = await subtle.digest('SHA-256', enc(`doorpeer-e2e-v1${lo}${hi}`));
  const [a, b] = opts.keyDirection === 'reverse' ? [to, from] : [from, to];
  const key = await subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt, info: enc(`doorpeer/e2e/v1 ${a.deviceId}>${b.deviceId}`) },
    ikm,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt'],
  );
  const kind = Uint8Array.of(1);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ids = enc(from.deviceId + to.deviceId);
  const plaintext = enc(typeof body === 'string' ? body : JSON.stringify(body));
  const ct = new Uint8Array(
    await subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: new Uint8Array([...kind, ...ids]) },
      key,
      plaintext,
    ),
  );
  const signer = (opts.signWith ?? from).signKeys.privateKey;
  const sig = new Uint8Array(
    await subtle.sign(
      { name: 'ECDSA', hash: 'SHA-256' },
      signer,
      new Uint8Array([...kind, ...iv, ...ct, ...ids]),
    ),
  );
  return toB64u(new Uint8Array([...kind, ...iv, ...ct, ...sig]));
}

let alice: Identity; // camera
let bob: Identity; // viewer
let eve: Identity; // a third device, paired with neither or with bob only
let t: ReturnType<typeof clock>;
let aToB: SealedChannel;
let bFromA: SealedChannel;

beforeEach(async () => {
  if (!alice)
    [alice, bob, eve] = await Promise.all([generateIdentity(), generateIdentity(), generateIdentity()]);
  t = clock();
  aToB = await SealedChannel.create(alice, keysOf(bob), { now: t.now });
  bFromA = await SealedChannel.create(bob, keysOf(alice), { now: t.now });
});

describe('SealedChannel: honest use', () => {
  it('delivers messages both ways, any JSON value', async () => {
    const msgs: unknown[] = [
      { k: 'watch', session: 'abcdefgh', name: 'Küche 🚪' },
      'text',
      42,
      null,
      [1, [2, { three: 3 }]],
      { nested: { deep: true } },
    ];
    for (const m of msgs) assert.deepEqual(await bFromA.open(await aToB.seal(m)), m);
    for (const m of msgs) assert.deepEqual(await aToB.open(await bFromA.seal(m)), m);
  });

  it('makes sealed, relay-acceptable payloads that hide the message', async () => {
    const p1 = await aToB.seal({ secret: 'door-code-1234' });
    const p2 = await aToB.seal({ secret: 'door-code-1234' });
    assert.notEqual(p1, p2, 'fresh iv per message');
    assert.equal(payloadKind(p1), 'sealed');
    assert.ok(!Buffer.from(fromB64u(p1)).includes('door-code'), 'plaintext visible');
    const frame = parseClientFrame(JSON.stringify({ t: 'send', to: bob.deviceId, payload: p1 }));
    assert.ok(frame.ok);
  });

  it('opens a payload built independently from the documented wire format', async () => {
    const p = await handSeal(alice, bob, { f: alice.deviceId, t: bob.deviceId, ts: t.now(), m: { hi: 1 } });
    assert.deepEqual(await bFromA.open(p), { hi: 1 });
    // and the layout: kind | iv(12) | ciphertext(plaintext + 16-byte tag) | sig(64)
    const real = fromB64u(await aToB.seal('x'));
    const plainLen = enc(
      JSON.stringify({ f: alice.deviceId, t: bob.deviceId, ts: t.now(), c: 1, m: 'x' }),
    ).length;
    assert.equal(real[0], 1);
    assert.equal(real.length, 1 + 12 + plainLen + 16 + 64);
  });

  it('works with identities restored by structured cloning (IndexedDB)', async () => {
    const restored = await SealedChannel.create(structuredClone(bob), keysOf(alice), { now: t.now });
    assert.equal(await restored.open(await aToB.seal('after reload')), 'after reload');
  });

  it('accepts clocks up to windowMs apart in either direction', async () => {
    const late = clock(t.now() - 120_000);
    const early = clock(t.now() + 120_000);
    const lateSender = await SealedChannel.create(alice, keysOf(bob), { now: late.now });
    assert.equal(await bFromA.open(await lateSender.seal('late')), 'late');
    const earlySender = await SealedChannel.create(alice, keysOf(bob), {
      now: early.now,
      counters: lateSender.counters,
    });
    assert.equal(await bFromA.open(await earlySender.seal('early')), 'early');
  });
});

describe('SealedChannel: counters across reloads', () => {
  it('a reloaded receiver with its persisted counters still refuses what it accepted before', async () => {
    const p = await aToB.seal('once');
    assert.equal(await bFromA.open(p), 'once');
    const reloaded = await SealedChannel.create(bob, keysOf(alice), {
      now: t.now,
      counters: bFromA.counters,
    });
    await assert.rejects(reloaded.open(p), code('replayed'));
    // and keeps accepting new messages from the same sender
    assert.equal(await reloaded.open(await aToB.seal('twice')), 'twice');
  });

  it('a restarted sender skips ahead, so a counter it used but never persisted is not reused', async () => {
    await bFromA.open(await aToB.seal(1));
    const persisted = aToB.counters; // persisted here...
    await bFromA.open(await aToB.seal(2)); // ...but this one was sent before the crash, not persisted
    const restarted = await SealedChannel.create(alice, keysOf(bob), { now: t.now, counters: persisted });
    assert.equal(await bFromA.open(await restarted.seal(3)), 3);
    assert.ok(restarted.counters.send > persisted.send + 1);
  });

  it('refuses a counter that is missing, not an integer, or goes backwards', async () => {
    const ts = t.now();
    const base = { f: alice.deviceId, t: bob.deviceId, ts, m: 1 };
    await assert.rejects(
      bFromA.open(await handSeal(alice, bob, { ...base, c: undefined })),
      code('malformed'),
    );
    await assert.rejects(bFromA.open(await handSeal(alice, bob, { ...base, c: 1.5 })), code('malformed'));
    await assert.rejects(bFromA.open(await handSeal(alice, bob, { ...base, c: 0 })), code('malformed'));
    assert.equal(await bFromA.open(await handSeal(alice, bob, { ...base, c: 5 })), 1);
    await assert.rejects(bFromA.open(await handSeal(alice, bob, { ...base, c: 4 })), code('replayed'));
    await assert.rejects(bFromA.open(await handSeal(alice, bob, { ...base, c: 5 })), code('replayed'));
  });
});

describe('SealedChannel: attacks', () => {
  it('refuses a replayed payload, then as stale once the window has passed', async () => {
    const p = await aToB.seal({ k: 'unpair' });
    await bFromA.open(p);
    await assert.rejects(bFromA.open(p), code('replayed'));
    t.advance(60_000);
    await assert.rejects(bFromA.open(p), code('replayed'));
    t.advance(61_000);
    await assert.rejects(bFromA.open(p), code('stale'));
  });

  it('lets only one of two concurrent opens of the same payload through', async () => {
    const p = await aToB.seal('once');
    const results = await Promise.allSettled([bFromA.open(p), bFromA.open(p), bFromA.open(p)]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) if (r.status === 'rejected') assert.ok(code('replayed')(r.reason));
  });

  it('forgets ivs once they leave the window (bounded memory)', async () => {
    for (let i = 0; i < 20; i++) await bFromA.open(await aToB.seal(i));
    assert.equal(bFromA['seen'].size, 20);
    t.advance(120_001);
    await bFromA.open(await aToB.seal('later'));
    assert.equal(bFromA['seen'].size, 1);
  });

  it('refuses stale and future timestamps', async () => {
    const past = clock(t.now() - 120_001);
    const future = clock(t.now() + 120_001);
    const pastSender = await SealedChannel.create(alice, keysOf(bob), { now: past.now });
    const futureSender = await SealedChannel.create(alice, keysOf(bob), { now: future.now });
    await assert.rejects(bFromA.open(await pastSender.seal('old')), code('stale'));
    await assert.rejects(bFromA.open(await futureSender.seal('new')), code('stale'));
    const p = await aToB.seal('held back');
    t.advance(10 * 60_000);
    await assert.rejects(bFromA.open(p), code('stale'));
  });

  it('honours a custom window', async () => {
    const strict = await SealedChannel.create(bob, keysOf(alice), { now: t.now, windowMs: 1000 });
    const p = await aToB.seal('x');
    t.advance(1001);
    await assert.rejects(strict.open(p), code('stale'));
  });

  it('refuses a message reflected back to its sender', async () => {
    const p = await aToB.seal('to bob');
    await assert.rejects(aToB.open(p), code('bad-signature'));
  });

  it('refuses a message meant for another device', async () => {
    const aToE = await SealedChannel.create(alice, keysOf(eve), { now: t.now });
    await assert.rejects(bFromA.open(await aToE.seal('for eve')), code('bad-signature'));
  });

  it('refuses a forged signature (another key over the same bytes)', async () => {
    const p = fromB64u(await aToB.seal('hello'));
    const signed = new Uint8Array([...p.subarray(0, p.length - 64), ...enc(alice.deviceId + bob.deviceId)]);
    const forged = new Uint8Array(
      await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, eve.signKeys.privateKey, signed),
    );
    p.set(forged, p.length - 64);
    await assert.rejects(bFromA.open(toB64u(p)), code('bad-signature'));
  });

  it('refuses a message from a device that is not the peer', async () => {
    const eToB = await SealedChannel.create(eve, keysOf(bob), { now: t.now });
    await assert.rejects(bFromA.open(await eToB.seal('I am alice')), code('bad-signature'));
  });

  it('refuses a tampered iv, ciphertext or signature', async () => {
    const p = await aToB.seal({ k: 'end', session: 'abcdefgh', reason: 'failed' });
    for (const i of [1, 12, 13, 20, -65, -64, -30, -1]) {
      await assert.rejects(bFromA.open(mutate(p, i)), code('bad-signature'), `byte ${i}`);
    }
    assert.equal(((await bFromA.open(p)) as { k: string }).k, 'end', 'original still opens');
  });

  it('refuses a correctly signed payload that does not decrypt', async () => {
    // Encrypted under the other direction's key: what a reflected message would be, re-signed.
    const p = await handSeal(
      alice,
      bob,
      { f: alice.deviceId, t: bob.deviceId, ts: t.now(), m: 1 },
      { keyDirection: 'reverse' },
    );
    await assert.rejects(bFromA.open(p), code('decrypt-failed'));
  });

  it('refuses a signed, encrypted body naming another sender or recipient', async () => {
    const ts = t.now();
    await assert.rejects(
      bFromA.open(await handSeal(alice, bob, { f: eve.deviceId, t: bob.deviceId, ts, m: 1 })),
      code('wrong-sender'),
    );
    await assert.rejects(
      bFromA.open(await handSeal(alice, bob, { f: alice.deviceId, t: eve.deviceId, ts, m: 1 })),
      code('wrong-recipient'),
    );
    await assert.rejects(
      bFromA.open(await handSeal(alice, bob, { t: bob.deviceId, ts, m: 1 })),
      code('wrong-sender'),
    );
  });

  it('refuses a signed, encrypted body that is not the expected JSON', async () => {
    const ok = { f: alice.deviceId, t: bob.deviceId };
    await assert.rejects(bFromA.open(await handSeal(alice, bob, 'not json')), code('malformed'));
    await assert.rejects(bFromA.open(await handSeal(alice, bob, '"a string"')), code('malformed'));
    await assert.rejects(bFromA.open(await handSeal(alice, bob, { ...ok, ts: 'now' })), code('malformed'));
    await assert.rejects(bFromA.open(await handSeal(alice, bob, { ...ok })), code('malformed'));
  });

  it('refuses malformed and oversized payloads', async () => {
    const good = fromB64u(await aToB.seal('x'));
    const pair = await pairSeal(await derivePairKey('ABCD', 'K7QM'), 'x');
    const cases = [
      '',
      'AQ',
      'not base64url!',
      toB64u(good.subarray(0, 1 + 12 + 16 + 63)), // one byte short of the minimum
      toB64u(Uint8Array.of(2, ...good.subarray(1))), // kind byte changed
      pair,
      clearPayload({ k: 'pair-refused', code: 'wrong-code' }),
      'A'.repeat(LIMITS.maxPayloadChars + 4),
      undefined as unknown as string,
      123 as unknown as string,
    ];
    for (const p of cases) await assert.rejects(bFromA.open(p), code('malformed'), String(p).slice(0, 20));
  });
});

describe('SealedChannel: limits and keys', () => {
  it('refuses to seal a message the relay would refuse, and seals one just under', async () => {
    await assert.rejects(aToB.seal({ blob: 'x'.repeat(LIMITS.maxPayloadChars) }), (e: unknown) => {
      return code('malformed')(e) && /too large/.test((e as Error).message);
    });
    const overhead = (await aToB.seal('')).length;
    // Each 3 plaintext bytes add 4 payload chars; stay a little below the limit.
    const fits = 'x'.repeat(Math.floor(((LIMITS.maxPayloadChars - overhead) * 3) / 4) - 3);
    const p = await aToB.seal(fits);
    assert.ok(p.length <= LIMITS.maxPayloadChars);
    assert.ok(parseClientFrame(JSON.stringify({ t: 'send', to: bob.deviceId, payload: p, ref: 1 })).ok);
    assert.ok(
      new TextEncoder().encode(JSON.stringify({ t: 'send', to: bob.deviceId, payload: p })).length <=
        LIMITS.maxFrameBytes,
    );
    assert.equal(await bFromA.open(p), fits);
  });

  it('refuses to seal what JSON cannot carry', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await assert.rejects(aToB.seal(cyclic), code('malformed'));
    await assert.rejects(aToB.seal(10n), code('malformed'));
  });

  it('refuses a peer whose device ID does not match its key, a bad key, or itself', async () => {
    const bobKeys = keysOf(bob);
    await assert.rejects(
      SealedChannel.create(alice, { ...bobKeys, deviceId: eve.deviceId }),
      code('bad-key'),
    );
    await assert.rejects(SealedChannel.create(alice, { ...bobKeys, ecdhPublic: 'garbage' }), code('bad-key'));
    await assert.rejects(
      SealedChannel.create(alice, { ...bobKeys, signPublic: eve.ecdhPublic.slice(0, 50) }),
      code('bad-key'),
    );
    await assert.rejects(SealedChannel.create(alice, keysOf(alice)), code('bad-key'));
  });

  it('a peer card with swapped ECDH key (a relay in the middle) cannot read the messages', async () => {
    // Alice is told bob's ECDH key is eve's: her channel seals to eve's key, and bob cannot open it.
    const tricked = await SealedChannel.create(
      alice,
      { ...keysOf(bob), ecdhPublic: eve.ecdhPublic },
      { now: t.now },
    );
    await assert.rejects(bFromA.open(await tricked.seal('secret')), code('decrypt-failed'));
  });
});
