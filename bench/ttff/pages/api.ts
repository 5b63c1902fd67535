/**
 * What each benchmark page exposes on `window`, for the harness to call with
 * `page.evaluate('window.<name>.<method>(...)')`. Strings rather than
 * serialised functions: tsx compiles the harness with esbuild's keepNames,
 * whose `__name` helper does not exist inside the page.
 */

/** Every page that needs setup exposes a promise that settles once it is ready (camera open, peer registered). */
export interface PageReady {
  ready: Promise<void>;
}

/** Floor: both peers in one page. */
export interface FloorApi extends PageReady {
  /** One fresh connection; resolves to ms from `createOffer` start to the first decoded remote frame. */
  run(timeoutMs: number): Promise<number>;
}

export interface PeerjsCameraApi extends PageReady {
  /** Closes every call still open on the camera side; resolves to how many there were. */
  hangUpAll(): number;
}

export interface PeerjsViewerApi extends PageReady {
  /** One fresh call; resolves to ms from `peer.call` to the first decoded remote frame. */
  run(cameraId: string, timeoutMs: number): Promise<number>;
}

/** What the camera sends in every contender: the doorbell's camera and microphone. */
export const CAPTURE: MediaStreamConstraints = { video: true, audio: true };
