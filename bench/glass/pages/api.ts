/**
 * What the glass-to-glass pages and init scripts put on `window`, and the logs
 * they keep. The harness calls them by expression string (see
 * `bench/ttff/pages/api.ts` for why not functions).
 */

/** A frame code painted on the camera: `[counter, epoch ms]`, the epoch being `timeOrigin + now()`. */
export type PaintEntry = [counter: number, paintedAt: number];

/**
 * A frame code read back on the viewer, all in epoch ms: the frame's expected
 * display time, the `now` of its `requestVideoFrameCallback` and, where the
 * browser gives it (WebRTC streams), when its last packet arrived.
 */
export type ShowEntry = [counter: number, displayAt: number, callbackAt: number, receivedAt: number | null];

/** Init script on the camera: `getUserMedia` answers with the canvas that paints the code. */
export interface GlassSource {
  /** Every frame code painted so far. */
  paints(): PaintEntry[];
}

/** Init script on the viewer: reads the code off every frame a `<video>` presents. */
export interface GlassSink {
  /** Reads frames of the `<video>` that `selector` finds, and of whatever replaces it later. */
  follow(selector: string): void;
  /** Every frame code read so far. */
  shows(): ShowEntry[];
  /** Settles once the first frame code has been read. */
  firstRead(): Promise<void>;
  /** Frames presented whose code could not be read. */
  unreadable(): number;
}

/** Cumulative counters of one video RTP stream, from `getStats`. */
export interface RtpTotals {
  /** `${connection index}:${direction}:${ssrc}`, the same for the same stream at two times. */
  key: string;
  direction: 'out' | 'in';
  /** framesEncoded (out) or framesDecoded (in). */
  frames: number;
  /** totalEncodeTime (out) or totalDecodeTime (in), seconds. */
  codecSeconds: number;
  /** In: jitterBufferDelay (s) and jitterBufferEmittedCount. */
  jitterBufferSeconds: number;
  jitterBufferEmitted: number;
  /** Out: totalPacketSendDelay (s, time in the pacer) and packetsSent. */
  packetSendSeconds: number;
  packets: number;
  framesDropped: number;
  implementation: string;
  codec: string;
  width: number;
  height: number;
  /** Out: qualityLimitationReason (`none`, `cpu`, `bandwidth`). */
  qualityLimitation: string;
}

/** Init script on both ends: every RTCPeerConnection the page makes, for its stats. */
export interface GlassRtp {
  totals(): Promise<RtpTotals[]>;
}

/** Floor page: both connections in one page, streaming once `ready` settles. */
export interface GlassFloor {
  ready: Promise<void>;
}

export interface GlassPeerjsCamera {
  ready: Promise<void>;
}

export interface GlassPeerjsViewer {
  ready: Promise<void>;
  /** Calls the camera, receive only, and shows its stream in a `<video>` the sink follows. */
  watch(cameraId: string): void;
}

declare global {
  interface Window {
    // Installed by init scripts before any page script runs, on the pages that use them.
    glassSource: GlassSource;
    glassSink: GlassSink;
    glassRtp: GlassRtp;
    glassFloor: GlassFloor;
    glassPeerjsCamera: GlassPeerjsCamera;
    glassPeerjsViewer: GlassPeerjsViewer;
  }
}
