import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sdpFingerprints, sdpMatchesPin } from '../../src/app/rtc/fingerprint.ts';

const PIN = Array.from({ length: 32 }, (_, i) => i.toString(16).padStart(2, '0').toUpperCase()).join(':');
const OTHER = PIN.replace(/^00/, 'FF');
const sdp = (...fps: string[]) =>
  [
    'v=0',
    'o=- 1 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    ...fps.map((f) => `a=fingerprint:${f}`),
    'm=video 9 UDP/TLS/RTP/SAVPF 96',
  ].join('\r\n');

test('reads every fingerprint line', () => {
  assert.deepEqual(sdpFingerprints(sdp(`sha-256 ${PIN.toLowerCase()}`, `SHA-256 ${OTHER}`)), [
    { algorithm: 'sha-256', value: PIN },
    { algorithm: 'sha-256', value: OTHER },
  ]);
});

test('accepts only SDPs whose every fingerprint is the pinned one', () => {
  assert.equal(sdpMatchesPin(sdp(`sha-256 ${PIN}`), PIN), true);
  assert.equal(sdpMatchesPin(sdp(`sha-256 ${PIN}`, `sha-256 ${PIN}`), PIN.toLowerCase()), true);
});

test('refuses a rewritten, missing, mixed or weaker fingerprint', () => {
  assert.equal(sdpMatchesPin(sdp(`sha-256 ${OTHER}`), PIN), false, 'rewritten');
  assert.equal(sdpMatchesPin(sdp(), PIN), false, 'missing');
  assert.equal(sdpMatchesPin(sdp(`sha-256 ${PIN}`, `sha-256 ${OTHER}`), PIN), false, 'one of two rewritten');
  assert.equal(sdpMatchesPin(sdp(`sha-1 ${PIN.slice(0, 59)}`), PIN), false, 'other algorithm');
});
