import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, randomId } from '../../src/app/util/emitter.ts';
import { parsePairingInput } from '../../src/app/pairing/viewer-pairing.ts';
import { mapMediaError } from '../../src/app/camera/capture.ts';
import { APP_ERRORS, AppError } from '../../src/app/errors.ts';
import { qrPairFragment } from '../../src/shared/crypto/pairing.ts';

test('backoff grows exponentially, is capped, and jitters within ±25%', () => {
  for (let attempt = 0; attempt < 12; attempt++) {
    const nominal = Math.min(8000, 500 * 2 ** attempt);
    for (let i = 0; i < 20; i++) {
      const d = backoffDelay(attempt, 500, 8000);
      assert.ok(d >= nominal * 0.75 - 1 && d <= nominal * 1.25 + 1, `attempt ${attempt}: ${d}`);
    }
  }
});

test('session IDs are URL-safe and distinct', () => {
  const ids = new Set(Array.from({ length: 200 }, () => randomId()));
  assert.equal(ids.size, 200);
  for (const id of ids) assert.match(id, /^[A-Za-z0-9_-]{16}$/);
});

test('pairing input: typed codes in any reasonable spelling', () => {
  assert.deepEqual(parsePairingInput('K7QM-4T9X'), { handle: 'K7QM', secret: '4T9X' });
  assert.deepEqual(parsePairingInput('  k7qm 4t9x '), { handle: 'K7QM', secret: '4T9X' });
  // Crockford: O reads as 0, I and L as 1.
  assert.deepEqual(parsePairingInput('KOQM-LT9I'), { handle: 'K0QM', secret: '1T91' });
});

test('pairing input: the QR link, whole or as its fragment, carries the camera ID', () => {
  const cameraId = 'abcdefghijklmnopqrstuvwxyz';
  const secret = 'AAAAAAAAAAAAAAAAAAAAAA';
  const frag = qrPairFragment('K7QM', secret, cameraId);
  const want = { handle: 'K7QM', secret, cameraId };
  assert.deepEqual(parsePairingInput(`https://door.example:8443/#/pair/${frag}`), want);
  assert.deepEqual(parsePairingInput(frag), want);
});

test('pairing input: garbage is refused, not guessed at', () => {
  for (const bad of ['', 'K7QM', 'K7QM-4T9', 'K7QM-4T9XX', 'K7QM-4T9!', 'https://x/#/pair/nope']) {
    assert.equal(parsePairingInput(bad), null, bad);
  }
});

test('camera errors map to codes a person can act on', () => {
  const cases: [string, string][] = [
    ['NotAllowedError', 'camera-denied'],
    ['SecurityError', 'camera-denied'],
    ['NotFoundError', 'camera-missing'],
    ['OverconstrainedError', 'camera-missing'],
    ['NotReadableError', 'camera-busy'],
  ];
  for (const [name, code] of cases) {
    assert.equal(mapMediaError(new DOMException('x', name)).code, code, name);
  }
});

test('every app error says what happened and what to do', () => {
  for (const [code, e] of Object.entries(APP_ERRORS)) {
    assert.ok(e.title().length > 10, code);
    assert.ok(e.action().length > 20, code);
    assert.match(new AppError(code as keyof typeof APP_ERRORS, 'detail').message, /\(detail\)$/);
  }
});
