/**
 * DTLS fingerprint pinning. Each paired device's certificate fingerprint was
 * exchanged at pairing (sealed, so the relay could not change it). An SDP whose
 * fingerprint differs was rewritten on the way (or comes from another device):
 * it is refused before it is applied, and the connected transport is checked
 * again afterwards.
 */

/** All `a=fingerprint:sha-256 …` values in an SDP, upper-case. */
export function sdpFingerprints(sdp: string): { algorithm: string; value: string }[] {
  const out: { algorithm: string; value: string }[] = [];
  for (const line of sdp.split(/\r?\n/)) {
    const m = /^a=fingerprint:(\S+)\s+(\S+)\s*$/.exec(line);
    if (m?.[1] && m[2]) out.push({ algorithm: m[1].toLowerCase(), value: m[2].toUpperCase() });
  }
  return out;
}

/** True only if the SDP names fingerprints and every one is the pinned sha-256 value. */
export function sdpMatchesPin(sdp: string, pinned: string): boolean {
  const fps = sdpFingerprints(sdp);
  return fps.length > 0 && fps.every((f) => f.algorithm === 'sha-256' && f.value === pinned.toUpperCase());
}

/** The remote certificate's fingerprint on the connected DTLS transport, from getStats. */
export async function remoteCertificateFingerprint(pc: RTCPeerConnection): Promise<string | null> {
  const stats = await pc.getStats();
  let certId: string | undefined;
  stats.forEach((s: { type: string; remoteCertificateId?: string; dtlsState?: string }) => {
    if (s.type === 'transport' && s.remoteCertificateId && s.dtlsState === 'connected')
      certId = s.remoteCertificateId;
  });
  if (!certId) return null;
  const cert = stats.get(certId) as { fingerprint?: string; fingerprintAlgorithm?: string } | undefined;
  if (!cert?.fingerprint || cert.fingerprintAlgorithm !== 'sha-256') return null;
  return cert.fingerprint.toUpperCase();
}
