/** The one definition of "first frame" shared by the benchmark pages. */

/** A muted, autoplaying `<video>` in the document: muted so autoplay needs no gesture. */
export function addVideo(): HTMLVideoElement {
  const video = document.createElement('video');
  video.muted = true;
  video.autoplay = true;
  video.playsInline = true;
  document.body.append(video);
  return video;
}

/**
 * Resolves to `performance.now()` when the first decoded frame is presented on
 * `video` (its first `requestVideoFrameCallback`), or rejects after `timeoutMs`.
 * Call it before the stream is attached so no frame can be missed.
 */
export function firstFrame(video: HTMLVideoElement, timeoutMs: number): Promise<number> {
  const frame = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`TIMEOUT: no video frame within ${timeoutMs} ms`)),
      timeoutMs,
    );
    video.requestVideoFrameCallback(() => {
      const at = performance.now();
      clearTimeout(timer);
      resolve(at);
    });
  });
  // The caller awaits this only after signaling; if signaling throws first, the
  // later timeout rejection must not surface as an unhandled rejection.
  frame.catch(() => undefined);
  return frame;
}
