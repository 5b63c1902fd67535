/**
 * What a held link (the viewer's spare offer, made before the tap) sends once
 * it is started. Pure, so it is unit-tested in Node.
 */
import type { SignalData } from '../../shared/session.ts';

/**
 * An SDP longer than this goes out as it was, candidates apart: session.ts
 * refuses SDPs over 12,000 characters, and an offer here is about 6,600 plus
 * about 100 a candidate (a device on many networks has many).
 */
const MAX_INLINE_SDP = 10_000;

/**
 * A held link's signals, with the SDP re-read: candidates gathered while it was
 * held are in the local description by now, so one sealed message carries them
 * instead of one each (every message is sealed, relayed and opened on the way
 * to the first frame). Candidates the SDP already holds are not sent again.
 */
export function withGatheredCandidates(
  outbox: readonly SignalData[],
  local: { type: RTCSdpType; sdp: string } | null,
): SignalData[] {
  const [first, ...rest] = outbox;
  if (!first || !local || first.type !== local.type || (local.type !== 'offer' && local.type !== 'answer'))
    return [...outbox];
  const sdp = local.sdp;
  if (sdp.length > MAX_INLINE_SDP) return [...outbox];
  const inSdp = new Set(
    sdp
      .split(/\r?\n/)
      .filter((l) => l.startsWith('a=candidate:'))
      .map((l) => candidateKey(l.slice(2))),
  );
  return [
    { type: local.type, sdp },
    ...rest.filter((d) => d.type !== 'candidate' || !inSdp.has(candidateKey(d.candidate.candidate))),
  ];
}

/**
 * Foundation, component, transport, priority, address and port: what names a
 * candidate. The event's string also carries `ufrag`, which the SDP line does not.
 */
function candidateKey(candidate: string): string {
  return candidate.split(' ').slice(0, 6).join(' ');
}
