import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withStartBitrate } from '../../src/app/rtc/start-bitrate.ts';
import { sdpFingerprints } from '../../src/app/rtc/fingerprint.ts';

/** The shape of a Chromium offer: audio, then video with VP8 (no fmtp), rtx, VP9 (fmtp) and H264 (fmtp). */
const OFFER = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'a=fingerprint:sha-256 AA:BB',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97 98 102',
  'a=fingerprint:sha-256 AA:BB',
  'a=rtpmap:96 VP8/90000',
  'a=rtcp-fb:96 nack',
  'a=rtpmap:97 rtx/90000',
  'a=fmtp:97 apt=96',
  'a=rtpmap:98 VP9/90000',
  'a=fmtp:98 profile-id=0',
  'a=rtpmap:102 H264/90000',
  'a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'a=sctp-port:5000',
  '',
].join('\r\n');

const fmtpOf = (sdp: string, pt: number) => sdp.split('\r\n').filter((l) => l.startsWith(`a=fmtp:${pt} `));

test('adds the start bitrate to every video codec, and to no other', () => {
  const out = withStartBitrate(OFFER, 1000);
  assert.deepEqual(fmtpOf(out, 96), ['a=fmtp:96 x-google-start-bitrate=1000'], 'VP8 gets an fmtp line');
  assert.deepEqual(fmtpOf(out, 98), ['a=fmtp:98 profile-id=0;x-google-start-bitrate=1000']);
  assert.deepEqual(fmtpOf(out, 102), [
    'a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f;x-google-start-bitrate=1000',
  ]);
  assert.deepEqual(fmtpOf(out, 97), ['a=fmtp:97 apt=96'], 'rtx untouched');
  assert.deepEqual(fmtpOf(out, 111), ['a=fmtp:111 minptime=10;useinbandfec=1'], 'audio untouched');
});

test('puts a new fmtp line right after its rtpmap and keeps everything else as it was', () => {
  const out = withStartBitrate(OFFER, 800).split('\r\n');
  const at = out.indexOf('a=rtpmap:96 VP8/90000');
  assert.equal(out[at + 1], 'a=fmtp:96 x-google-start-bitrate=800');
  const added = out.filter((l) => !OFFER.split('\r\n').includes(l));
  assert.equal(added.length, 3, 'only the three video codecs change');
  assert.ok(withStartBitrate(OFFER, 800).endsWith('webrtc-datachannel\r\na=sctp-port:5000\r\n'));
});

test('never touches the DTLS fingerprints the pin is checked against', () => {
  assert.deepEqual(sdpFingerprints(withStartBitrate(OFFER, 1000)), sdpFingerprints(OFFER));
});

test('replaces a start bitrate already there instead of adding a second one', () => {
  const twice = withStartBitrate(withStartBitrate(OFFER, 300), 1000);
  assert.equal(twice, withStartBitrate(OFFER, 1000));
});

test('keeps bare-LF line endings and refuses a nonsense bitrate', () => {
  const lf = OFFER.replace(/\r\n/g, '\n');
  assert.ok(!withStartBitrate(lf, 1000).includes('\r'));
  assert.throws(() => withStartBitrate(OFFER, 0), RangeError);
  assert.throws(() => withStartBitrate(OFFER, 1.5), RangeError);
});
