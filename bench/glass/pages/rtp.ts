/**
 * Init script for every page: keeps each RTCPeerConnection the page makes
 * (the app's own included) so the harness can read their video RTP counters,
 * which say how long frames spent in the encoder, pacer, jitter buffer and
 * decoder.
 *
 * Bundled into one classic script by `../scripts.ts`; no imports at run time.
 */
import type { RtpTotals } from './api.ts';

const connections: RTCPeerConnection[] = [];
const Native = window.RTCPeerConnection;
window.RTCPeerConnection = class extends Native {
  constructor(config?: RTCConfiguration) {
    super(config);
    connections.push(this);
  }
};

type Stat = Record<string, unknown>;
const num = (s: Stat, key: string): number => (typeof s[key] === 'number' ? s[key] : 0);
const str = (s: Stat, key: string): string => (typeof s[key] === 'string' ? s[key] : '');

async function totals(): Promise<RtpTotals[]> {
  const out: RtpTotals[] = [];
  for (const [index, pc] of connections.entries()) {
    if (pc.connectionState === 'closed') continue;
    const stats: Stat[] = [];
    (await pc.getStats()).forEach((s: Stat) => stats.push(s));
    const codecs = new Map(
      stats.filter((s) => s['type'] === 'codec').map((s) => [s['id'], str(s, 'mimeType')]),
    );
    for (const s of stats) {
      const type = s['type'];
      if (s['kind'] !== 'video' || (type !== 'outbound-rtp' && type !== 'inbound-rtp')) continue;
      const sending = type === 'outbound-rtp';
      out.push({
        key: `${index}:${sending ? 'out' : 'in'}:${num(s, 'ssrc')}`,
        direction: sending ? 'out' : 'in',
        frames: num(s, sending ? 'framesEncoded' : 'framesDecoded'),
        codecSeconds: num(s, sending ? 'totalEncodeTime' : 'totalDecodeTime'),
        jitterBufferSeconds: num(s, 'jitterBufferDelay'),
        jitterBufferEmitted: num(s, 'jitterBufferEmittedCount'),
        packetSendSeconds: num(s, 'totalPacketSendDelay'),
        packets: num(s, sending ? 'packetsSent' : 'packetsReceived'),
        framesDropped: num(s, 'framesDropped'),
        implementation: str(s, sending ? 'encoderImplementation' : 'decoderImplementation'),
        codec: codecs.get(s['codecId']) ?? '',
        width: num(s, 'frameWidth'),
        height: num(s, 'frameHeight'),
        qualityLimitation: str(s, 'qualityLimitationReason'),
      });
    }
  }
  return out;
}

window.glassRtp = { totals };
