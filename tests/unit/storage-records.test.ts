/**
 * Storage faults (issue 18): the shape checks every read of IndexedDB goes through, and the
 * bookkeeping behind the storage notices, as pure logic in Node. The browser side (real
 * IndexedDB, real quota, real tabs) is `tests/e2e/storage-faults.spec.ts`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  keyText,
  placeLabel,
  recordIsSound,
  settingIsSound,
  sortRecords,
} from '../../src/app/storage/record-checks.ts';
import {
  StorageHealth,
  damagedSummary,
  failedSummary,
  isFull,
} from '../../src/app/storage/storage-health.ts';

const peer = {
  deviceId: 'abcdefghijklmnopqrstuvwxyz',
  name: 'Front door',
  signPublic: 'AAAA',
  ecdhPublic: 'BBBB',
  certFingerprint: 'AA:BB',
  role: 'camera',
  pairedAt: 1_700_000_000_000,
  permissions: { watch: true, talk: false, manage: true },
};

const logEntry = { id: 3, ts: 1_700_000_000_000, event: 'paired', deviceId: 'abc' };

const clip = {
  key: 'cam/clip1',
  cameraId: 'cam',
  type: 'person',
  at: 1,
  durationMs: 5000,
  receivedAt: 2,
  bytes: 10,
  clip: new Blob([new Uint8Array(10)]),
};

describe('record shape checks', () => {
  it('accepts records as the app writes them, with optional and extra fields', () => {
    assert.equal(recordIsSound('peers', peer), true);
    assert.equal(recordIsSound('peers', { ...peer, unpairing: true, addedLater: 'x' }), true);
    assert.equal(recordIsSound('log', logEntry), true);
    assert.equal(recordIsSound('log', { ...logEntry, name: 'n', reason: 'r', durationMs: 4 }), true);
    assert.equal(recordIsSound('counters', { send: 10_004, recv: -1 }), true);
    assert.equal(recordIsSound('clips', clip), true);
    assert.equal(recordIsSound('clips', { ...clip, snapshot: new Blob([]), cut: true }), true);
    assert.equal(
      recordIsSound('events', {
        key: 'cam/1',
        cameraId: 'cam',
        type: 'health',
        at: 1,
        receivedAt: 2,
        boxes: [{ x: 0, y: 0, w: 1, h: 1, label: 'person', score: 0.9 }],
        health: { kind: 'battery-low', state: 'warning' },
      }),
      true,
    );
  });

  it('refuses wrong types, missing fields and garbage', () => {
    assert.equal(recordIsSound('peers', { ...peer, name: 42 }), false);
    assert.equal(recordIsSound('peers', { ...peer, role: 'toaster' }), false);
    assert.equal(recordIsSound('peers', { ...peer, permissions: undefined }), false);
    assert.equal(recordIsSound('log', { ...logEntry, ts: 'yesterday' }), false);
    assert.equal(recordIsSound('log', { ...logEntry, ts: Number.NaN }), false);
    assert.equal(recordIsSound('counters', { send: 1 }), false);
    assert.equal(recordIsSound('clips', { ...clip, clip: 'not a blob' }), false);
    assert.equal(recordIsSound('events', { key: 'bad/1', cameraId: 'bad', receivedAt: 5, type: 7 }), false);
    for (const garbage of [null, undefined, 0, 'text', [], [peer], new Uint8Array(4)]) {
      assert.equal(recordIsSound('peers', garbage), false, `garbage ${String(garbage)}`);
      assert.equal(recordIsSound('identity', garbage), false);
    }
  });

  it('checks an identity by its keys and certificate, not by a global RTCCertificate', async () => {
    const sign = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const certificate = { expires: Date.now() + 1000, getFingerprints: () => [] };
    const identity = {
      deviceId: 'abc',
      signKeys: sign,
      ecdhKeys: sign,
      signPublic: 'A',
      ecdhPublic: 'B',
      certificate,
      certFingerprint: 'AA',
      createdAt: 1,
    };
    assert.equal(recordIsSound('identity', identity), true);
    assert.equal(recordIsSound('identity', { ...identity, certificate: { expires: 1 } }), false);
    assert.equal(
      recordIsSound('identity', { ...identity, signKeys: { privateKey: 'k', publicKey: 'k' } }),
      false,
    );
  });

  it('checks settings by key; unlisted keys only need to be there', () => {
    assert.equal(settingIsSound('connectSound', true), true);
    assert.equal(settingIsSound('connectSound', 'loud'), false);
    assert.equal(settingIsSound('role', 'viewer'), true);
    assert.equal(settingIsSound('role', 'toaster'), false);
    assert.equal(settingIsSound('missedRings', []), true);
    assert.equal(settingIsSound('missedRings', 'none today'), false);
    assert.equal(settingIsSound('missedRings', [{ key: 'k', cameraId: 'c', at: 1 }]), true);
    assert.equal(settingIsSound('missedRings', [{ key: 'k', cameraId: 'c', at: 1, snapshot: 'x' }]), false);
    assert.equal(settingIsSound('doorLock', { on: true, pin: null, guard: {} }), true);
    assert.equal(settingIsSound('doorLock', { on: 'yes' }), false);
    assert.equal(settingIsSound('somethingNew', 'anything'), true);
  });

  it('sorts the sound records from the damaged ones and names the damaged by key', () => {
    const sorted = sortRecords<typeof logEntry>(
      'log',
      [1, 2, 3],
      [logEntry, { ts: 'x' }, { ...logEntry, id: 3 }],
    );
    assert.deepEqual(sorted.sound, [logEntry, { ...logEntry, id: 3 }]);
    assert.deepEqual(sorted.damaged, ['2']);
    assert.equal(keyText(['cam/clip', 3]), '[cam/clip,3]');
    assert.equal(keyText(undefined), '?');
  });

  it('names places for people', () => {
    assert.equal(placeLabel('peers'), 'paired devices');
    assert.equal(placeLabel('settings/connectSound'), 'setting “connectSound”');
  });
});

describe('storage health bookkeeping', () => {
  const quota = Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' });

  it('counts each damaged record once, and reports only new ones', () => {
    const h = new StorageHealth();
    const reported: string[][] = [];
    let changes = 0;
    h.on('damaged', (_place, keys) => reported.push(keys));
    h.on('changed', () => changes++);
    h.noteDamaged('peers', ['a', 'b']);
    h.noteDamaged('peers', ['a']);
    h.noteDamaged('log', []);
    h.noteDamaged('log', ['7']);
    assert.equal(h.damagedCount, 3);
    assert.deepEqual(reported, [['a', 'b'], ['7']]);
    assert.equal(changes, 2);
    assert.equal(damagedSummary(h.damaged), '2 in paired devices, 1 in activity log');
    h.dismissDamaged();
    assert.equal(h.damagedSeen, 3);
    h.noteDamaged('peers', ['c']);
    assert.ok(h.damagedCount > h.damagedSeen, 'a new damaged record shows the notice again');
  });

  it('tells a full disk from other write failures, and lists what was not saved', () => {
    const h = new StorageHealth();
    h.noteWriteFailed('settings/connectSound', quota);
    h.noteWriteFailed('log', new Error('disk gone'));
    h.noteWriteFailed('log', quota);
    assert.deepEqual(
      h.failed.map((f) => f.kind),
      ['full', 'failed', 'full'],
    );
    assert.equal(failedSummary(h.failed), 'setting “connectSound”, activity log');
    assert.equal(h.failedTotal, 3);
    assert.equal(isFull(quota), true);
    assert.equal(isFull(new Error('x')), false);
    h.dismissFailed();
    assert.equal(h.failed.length, 0);
    assert.equal(h.failedTotal, 3);
  });

  it('explains only errors it reported, and writes refused after this tab let go', () => {
    const h = new StorageHealth();
    const closing = Object.assign(new Error('The database connection is closing.'), {
      name: 'InvalidStateError',
    });
    const other = new Error('something else');
    h.noteWriteFailed('peers', quota);
    assert.equal(h.explains(quota), true);
    assert.equal(h.explains(other), false);
    assert.equal(h.explains(closing), false);
    h.noteClosed();
    assert.equal(h.explains(closing), true);
    // Once closed, every write fails that way: that is not a new "could not save" each time.
    h.noteWriteFailed('log', closing);
    assert.equal(h.failedTotal, 1);
  });

  it('reports blocked and closed once each', () => {
    const h = new StorageHealth();
    let changes = 0;
    h.on('changed', () => changes++);
    h.noteBlocked(true);
    h.noteBlocked(true);
    h.noteBlocked(false);
    h.noteClosed();
    h.noteClosed();
    assert.equal(changes, 3);
    assert.equal(h.blocked, false);
    assert.equal(h.closed, true);
  });

  it('keeps at most 20 failed writes for the notice but counts them all', () => {
    const h = new StorageHealth();
    for (let i = 0; i < 25; i++) h.noteWriteFailed('log', quota);
    assert.equal(h.failed.length, 20);
    assert.equal(h.failedTotal, 25);
  });
});
