import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LIMITS, parseClientFrame } from '../../src/shared/protocol.ts';
import { parseSessionMessage, type SessionMessage } from '../../src/shared/session.ts';
import { generateIdentity } from '../../src/shared/crypto/identity.ts';
import { toB64u } from '../../src/shared/crypto/b64u.ts';
import { SealedChannel } from '../../src/shared/crypto/seal.ts';
import { CLIP_LIMITS, CLIP_SETTING_RANGES } from '../../src/shared/history-messages.ts';
import { ClipSealError, openClip, sealClip } from '../../src/app/history/seal.ts';
import {
  assemble,
  chunkAt,
  chunkCount,
  chunkHash,
  expectedChunkLength,
  firstMissing,
} from '../../src/app/history/chunks.ts';
import { sha256B64u } from '../../src/app/alerts/chunks.ts';
import { retentionPlan } from '../../src/app/history/retention.ts';
import {
  DEFAULT_CLIP_SETTINGS,
  IDLE_PLAN,
  normaliseClipSettings,
  onTrigger,
  stopAt,
  triggerOf,
} from '../../src/app/history/clip-plan.ts';

const bytes = (n: number, seed = 7) => {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
};

describe('clip sealing', () => {
  it('opens for each owner it was sealed for; the camera itself cannot open it', async () => {
    const [camera, owner, phone] = await Promise.all([
      generateIdentity(),
      generateIdentity(),
      generateIdentity(),
    ]);
    const clip = bytes(20_000);
    const snap = bytes(3000, 3);
    const sealed = await sealClip('clip-0001', clip, snap, [owner, phone]);
    assert.equal(Object.keys(sealed.keys).length, 2);
    for (const who of [owner, phone]) {
      const o = await openClip(
        'clip-0001',
        sealed,
        sealed.keys[who.deviceId],
        who.deviceId,
        who.ecdhKeys.privateKey,
      );
      assert.deepEqual(o.clip, clip);
      assert.deepEqual(o.snapshot, snap);
    }
    // The camera holds no key for itself...
    await assert.rejects(
      openClip(
        'clip-0001',
        sealed,
        sealed.keys[camera.deviceId],
        camera.deviceId,
        camera.ecdhKeys.privateKey,
      ),
      (e: unknown) => e instanceof ClipSealError && e.code === 'not-for-this-device',
    );
    // ...and its own private key does not open an owner's wrapped key.
    await assert.rejects(
      openClip('clip-0001', sealed, sealed.keys[owner.deviceId], owner.deviceId, camera.ecdhKeys.privateKey),
      (e: unknown) => e instanceof ClipSealError && e.code === 'cannot-open',
    );
    // The ciphertext carries no plain WebM/JPEG bytes.
    assert.notDeepEqual(
      sealed.body.subarray(sealed.snapshotBytes, sealed.snapshotBytes + 64),
      clip.subarray(0, 64),
    );
  });

  it('a tampered byte or another clip ID does not open', async () => {
    const owner = await generateIdentity();
    const sealed = await sealClip('clip-0002', bytes(5000), null, [owner]);
    assert.equal(sealed.snapshotBytes, 0);
    const key = sealed.keys[owner.deviceId];
    const body = sealed.body.slice();
    body[100] = body[100]! ^ 1;
    await assert.rejects(
      openClip('clip-0002', { ...sealed, body }, key, owner.deviceId, owner.ecdhKeys.privateKey),
    );
    await assert.rejects(openClip('clip-0003', sealed, key, owner.deviceId, owner.ecdhKeys.privateKey));
  });

  it('a largest chunk and a header, sealed, fit in one relay frame', async () => {
    const [camera, viewer] = await Promise.all([generateIdentity(), generateIdentity()]);
    const channel = await SealedChannel.create(camera, viewer);
    const sealed = await sealClip('x'.repeat(32), bytes(100), null, [viewer]);
    const data = bytes(CLIP_LIMITS.chunkBytes);
    const msgs: SessionMessage[] = [
      {
        k: 'clip-chunk',
        id: 'x'.repeat(32),
        i: CLIP_LIMITS.maxChunks - 1,
        data: toB64u(data),
        sha256: await chunkHash(1, data),
      },
      {
        k: 'clip',
        id: 'x'.repeat(32),
        type: 'person',
        at: Date.now(),
        durationMs: 20_000,
        mime: 'video/webm;codecs=vp8,opus',
        size: CLIP_LIMITS.maxBytes,
        snapshotBytes: 100_000,
        chunks: CLIP_LIMITS.maxChunks,
        sha256: await sha256B64u(data),
        snapshotIv: sealed.snapshotIv,
        clipIv: sealed.clipIv,
        key: sealed.keys[viewer.deviceId]!,
        cut: true,
      },
    ];
    for (const m of msgs) {
      assert.ok(parseSessionMessage(m).ok, m.k);
      const payload = await channel.seal(m);
      assert.ok(payload.length <= LIMITS.maxPayloadChars, `${m.k}: ${payload.length} chars`);
      assert.ok(parseClientFrame(JSON.stringify({ t: 'send', to: viewer.deviceId, payload })).ok);
    }
    assert.ok(CLIP_LIMITS.maxChunks >= chunkCount(CLIP_LIMITS.maxBytes));
    // `cut` is a flag that is there or not: any other value is malformed.
    assert.equal(parseSessionMessage({ ...msgs[1], cut: false }).ok, false);
    assert.equal(parseSessionMessage({ ...msgs[1], cut: 'yes' }).ok, false);
  });
});

describe('clip chunk bookkeeping', () => {
  it('splits, hashes by index and reassembles', async () => {
    const body = bytes(20_001);
    const n = chunkCount(body.length, 8000);
    assert.equal(n, 3);
    assert.equal(expectedChunkLength(body.length, 2, 8000), 4001);
    assert.equal(expectedChunkLength(body.length, 3, 8000), -1);
    const parts = new Map<number, Uint8Array>();
    for (let i = n - 1; i >= 0; i--) parts.set(i, chunkAt(body, i, 8000));
    assert.deepEqual(assemble(parts, n, body.length), body);
    parts.delete(1);
    assert.equal(assemble(parts, n, body.length), null);
    // The same bytes at another index hash differently.
    const c = chunkAt(body, 0, 8000);
    assert.notEqual(await chunkHash(0, c), await chunkHash(1, c));
  });

  it('resumes from the first missing chunk', () => {
    assert.equal(firstMissing([], 5), 0);
    assert.equal(firstMissing([0, 1, 2], 5), 3);
    assert.equal(firstMissing([0, 2, 3, 4], 5), 1);
    assert.equal(firstMissing([4, 3, 2, 1, 0], 5), 5);
  });
});

describe('history retention', () => {
  const day = 24 * 3600 * 1000;
  const now = 100 * day;
  const items = [
    { key: 'c', at: now - 1 * day, bytes: 30 },
    { key: 'a', at: now - 9 * day, bytes: 30 },
    { key: 'b', at: now - 5 * day, bytes: 30 },
  ];
  it('removes clips older than the age limit', () => {
    assert.deepEqual(retentionPlan(items, { maxAgeMs: 7 * day, maxBytes: 1000 }, now), ['a']);
  });
  it('removes the oldest first when over the size limit, making room for an incoming clip', () => {
    assert.deepEqual(retentionPlan(items, { maxAgeMs: 30 * day, maxBytes: 60 }, now), ['a']);
    assert.deepEqual(retentionPlan(items, { maxAgeMs: 30 * day, maxBytes: 60 }, now, 30), ['a', 'b']);
    assert.deepEqual(retentionPlan(items, { maxAgeMs: 30 * day, maxBytes: 1000 }, now), []);
  });
});

describe('clip plan', () => {
  const s = { ...DEFAULT_CLIP_SETTINGS, calmMs: 5000, maxMs: 20_000 };
  it('a person starts a clip; motion only when chosen', () => {
    assert.equal(triggerOf('person', s), 'person');
    assert.equal(triggerOf('motion-start', s), null);
    assert.equal(triggerOf('motion-start', { ...s, motion: true }), 'motion');
    assert.equal(triggerOf('motion-end', { ...s, motion: true }), null);
  });
  it('ends after calm, later triggers extend it, never past the longest clip', () => {
    let p = onTrigger(IDLE_PLAN, 'motion', 1000);
    assert.equal(stopAt(p, s), 6000);
    p = onTrigger(p, 'person', 4000);
    assert.equal(p.state === 'recording' && p.type, 'person');
    assert.equal(stopAt(p, s), 9000);
    p = onTrigger(p, 'motion', 19_000);
    assert.equal(p.state === 'recording' && p.type, 'person');
    assert.equal(stopAt(p, s), 21_000);
    assert.equal(stopAt(IDLE_PLAN, s), null);
  });
});

describe('clip settings', () => {
  it('keeps valid settings as they are', () => {
    assert.deepEqual(normaliseClipSettings(DEFAULT_CLIP_SETTINGS), DEFAULT_CLIP_SETTINGS);
  });
  it('clamps each value into its range and rounds it', () => {
    const s = normaliseClipSettings({ preRollMs: 50, calmMs: 1e9, maxMs: 1e9, motion: true });
    assert.equal(s.preRollMs, CLIP_SETTING_RANGES.preRollMs[0]);
    assert.equal(s.calmMs, CLIP_SETTING_RANGES.calmMs[1]);
    assert.equal(s.maxMs, CLIP_SETTING_RANGES.maxMs[1]);
    assert.equal(s.motion, true);
    assert.equal(normaliseClipSettings({ ...DEFAULT_CLIP_SETTINGS, preRollMs: 2500.4 }).preRollMs, 2500);
  });
  it('never lets the longest clip be shorter than the calm time', () => {
    const s = normaliseClipSettings({ preRollMs: 3000, calmMs: 20_000, maxMs: 5000, motion: false });
    assert.equal(s.maxMs, 20_000);
  });
  it('the wire format refuses values out of range, and the messages parse', () => {
    const set = (settings: unknown) => parseSessionMessage({ k: 'clip-settings-set', settings });
    assert.equal(set(DEFAULT_CLIP_SETTINGS).ok, true);
    assert.equal(set({ ...DEFAULT_CLIP_SETTINGS, preRollMs: 60_000 }).ok, false);
    assert.equal(set({ ...DEFAULT_CLIP_SETTINGS, motion: 'yes' }).ok, false);
    assert.equal(parseSessionMessage({ k: 'clip-settings-get' }).ok, true);
  });
});
