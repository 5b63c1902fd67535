/**
 * Which way the media goes: straight between the two devices (`host`,
 * `srflx` or `prflx` candidates on both ends) or through a TURN server
 * (`relay` on either end). Read from `getStats()`; the pure part takes any
 * list of stats entries so it is unit-tested in Node.
 *
 * Either way the media is DTLS-SRTP encrypted end to end with the pinned
 * certificates; TURN only forwards the encrypted packets.
 */

export type ConnectionPath = 'direct' | 'relayed';

export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';

export interface PathInfo {
  path: ConnectionPath;
  local: CandidateType;
  remote: CandidateType;
}

/** The fields of RTCStats entries this module reads; everything else is ignored. */
export interface StatsEntry {
  id: string;
  type: string;
  selectedCandidatePairId?: string;
  /** Firefox marks the pair in use this way instead of on the transport. */
  selected?: boolean;
  nominated?: boolean;
  state?: string;
  localCandidateId?: string;
  remoteCandidateId?: string;
  candidateType?: string;
}

const CANDIDATE_TYPES: readonly string[] = ['host', 'srflx', 'prflx', 'relay'];
const isCandidateType = (t: unknown): t is CandidateType =>
  typeof t === 'string' && CANDIDATE_TYPES.includes(t);

/** The selected candidate pair's path, or null while there is none (still checking, or closed). */
export function pathFromStats(entries: Iterable<StatsEntry>): PathInfo | null {
  const byId = new Map<string, StatsEntry>();
  for (const e of entries) byId.set(e.id, e);
  const pair = selectedPair(byId);
  if (!pair) return null;
  const local = byId.get(pair.localCandidateId ?? '')?.candidateType;
  const remote = byId.get(pair.remoteCandidateId ?? '')?.candidateType;
  if (!isCandidateType(local) || !isCandidateType(remote)) return null;
  return { path: local === 'relay' || remote === 'relay' ? 'relayed' : 'direct', local, remote };
}

function selectedPair(byId: Map<string, StatsEntry>): StatsEntry | undefined {
  for (const e of byId.values()) {
    if (e.type !== 'transport' || !e.selectedCandidatePairId) continue;
    const pair = byId.get(e.selectedCandidatePairId);
    if (pair?.type === 'candidate-pair') return pair;
  }
  const pairs = [...byId.values()].filter((e) => e.type === 'candidate-pair');
  return pairs.find((p) => p.selected) ?? pairs.find((p) => p.nominated && p.state === 'succeeded');
}

/** Reads the path of a live connection; null if it has no selected pair (yet). */
export async function connectionPath(pc: RTCPeerConnection): Promise<PathInfo | null> {
  const report = await pc.getStats();
  return pathFromStats(report.values() as Iterable<StatsEntry>);
}
