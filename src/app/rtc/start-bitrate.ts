/**
 * The bitrate the camera's video starts at, before congestion control has
 * measured the path. Chromium starts every call at 300 kbps and paces packets
 * at 2.5 times the current estimate, so the first key frame (8-15 KB at
 * 640x480) trickles out over 60-90 ms: most of the time between the first
 * video packet and the first decoded frame (bench/ttff; the same 60 ms in the
 * floor). Starting higher sends it in about half that. Congestion control then
 * moves from there as usual, down as fast as a poor uplink needs.
 *
 * Chromium reads the start bitrate of what it sends from the codec parameters
 * of the remote description (`x-google-start-bitrate`, in kbps; Chromium's
 * `GetBitrateConfigForCodec`), so the camera adds it to the viewer's offer
 * before applying it. Other browsers ignore an unknown format parameter
 * (RFC 4566, `a=fmtp`). The DTLS fingerprint lines are not touched: the pin is
 * checked on the SDP as received, before this runs.
 */

/** What a doorbell on a home network can start at: a 480p key frame in one go, a 1080p one in a few. */
export const START_BITRATE_KBPS = 1000;

/** Codecs that carry no picture of their own: their format parameters are left alone. */
const NOT_PICTURE = new Set(['rtx', 'red', 'ulpfec', 'flexfec-03']);

/**
 * Returns `sdp` with `x-google-start-bitrate=<kbps>` in the format parameters of
 * every video codec (VP8, VP9, H264, AV1, ...) of every video section, adding
 * an `a=fmtp` line where a codec has none. Pure; line endings are kept.
 */
export function withStartBitrate(sdp: string, kbps: number): string {
  if (!Number.isInteger(kbps) || kbps <= 0) throw new RangeError(`start bitrate must be a positive integer`);
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const lines = sdp.split(/\r?\n/);
  const param = `x-google-start-bitrate=${kbps}`;
  const out: string[] = [];
  let video = false;
  /** Payload types of this section's picture codecs that have no fmtp line yet, by rtpmap line index in `out`. */
  let needsFmtp = new Map<string, number>();
  const flush = (): void => {
    // Insert missing fmtp lines right after their rtpmap, last first so the indices stay right.
    for (const [pt, at] of [...needsFmtp].sort((a, b) => b[1] - a[1]))
      out.splice(at + 1, 0, `a=fmtp:${pt} ${param}`);
    needsFmtp = new Map();
  };
  for (const line of lines) {
    if (line.startsWith('m=')) {
      flush();
      video = line.startsWith('m=video ');
      out.push(line);
      continue;
    }
    if (video) {
      const rtpmap = /^a=rtpmap:(\d+) ([^/\s]+)\//.exec(line);
      if (rtpmap?.[1] && rtpmap[2] && !NOT_PICTURE.has(rtpmap[2].toLowerCase())) {
        out.push(line);
        needsFmtp.set(rtpmap[1], out.length - 1);
        continue;
      }
      const fmtp = /^a=fmtp:(\d+) (.*)$/.exec(line);
      if (fmtp?.[1] && fmtp[2] !== undefined && needsFmtp.has(fmtp[1])) {
        needsFmtp.delete(fmtp[1]);
        const kept = fmtp[2].split(';').filter((p) => p && !p.trim().startsWith('x-google-start-bitrate='));
        out.push(`a=fmtp:${fmtp[1]} ${[...kept, param].join(';')}`);
        continue;
      }
    }
    out.push(line);
  }
  flush();
  return out.join(eol);
}
