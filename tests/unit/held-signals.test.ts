import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SignalData } from '../../src/shared/session.ts';
import { withGatheredCandidates } from '../../src/app/rtc/held-signals.ts';

const HOST4 = 'candidate:3958965912 1 udp 2122194687 192.0.2.2 59712 typ host generation 0';
const HOST6 = 'candidate:547342200 1 udp 2122265343 fd00::2 54499 typ host generation 0';
const LATE = 'candidate:357814796 1 udp 1686052607 198.51.100.7 40000 typ srflx raddr 192.0.2.2 rport 59712';

/** What the browser reports: the event's string carries `ufrag`, the SDP line does not. */
const cand = (c: string): SignalData => ({
  type: 'candidate',
  candidate: { candidate: `${c} ufrag C289 network-id 1`, sdpMid: '0', sdpMLineIndex: 0 },
});
const AT_SLD = 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=fingerprint:sha-256 AA\r\n';
const GATHERED = `${AT_SLD}a=${HOST4} network-id 1\r\na=${HOST6} network-id 2\r\n`;

test('sends the offer as it is now, with the candidates gathered while held, and not them again', () => {
  const outbox: SignalData[] = [{ type: 'offer', sdp: AT_SLD }, cand(HOST4), cand(HOST6)];
  assert.deepEqual(withGatheredCandidates(outbox, { type: 'offer', sdp: GATHERED }), [
    { type: 'offer', sdp: GATHERED },
  ]);
});

test('a candidate the SDP does not hold yet still goes out on its own, in order', () => {
  const outbox: SignalData[] = [{ type: 'offer', sdp: AT_SLD }, cand(HOST4), cand(LATE), cand(HOST6)];
  assert.deepEqual(withGatheredCandidates(outbox, { type: 'offer', sdp: GATHERED }), [
    { type: 'offer', sdp: GATHERED },
    cand(LATE),
  ]);
});

test('leaves the outbox alone when there is nothing to re-read', () => {
  const outbox: SignalData[] = [{ type: 'offer', sdp: AT_SLD }, cand(HOST4)];
  assert.deepEqual(withGatheredCandidates(outbox, null), outbox);
  assert.deepEqual(withGatheredCandidates([], { type: 'offer', sdp: GATHERED }), []);
  assert.deepEqual(
    withGatheredCandidates([cand(HOST4)], { type: 'offer', sdp: GATHERED }),
    [cand(HOST4)],
    'first signal is not the description',
  );
});

test('an SDP that would grow past what session messages accept keeps its candidates apart', () => {
  const many = `${AT_SLD}a=${HOST4} network-id 1\r\n${'a=x\r\n'.repeat(2500)}`;
  const outbox: SignalData[] = [{ type: 'offer', sdp: AT_SLD }, cand(HOST4)];
  assert.deepEqual(withGatheredCandidates(outbox, { type: 'offer', sdp: many }), outbox);
});
