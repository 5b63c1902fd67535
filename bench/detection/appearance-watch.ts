/**
 * Watches the camera's own frames, in the camera page, for the moment the person appears,
 * without the app's detection: every frame the camera's track delivers (requestVideoFrameCallback
 * on a second <video> of the same track) is shrunk to 160x120 grey and compared with the
 * clip's empty frame 0; the person is visible when more than VISIBLE_PIXELS pixels differ by
 * more than 40 grey levels (frames 0-16 of the fixture: 0 such pixels; frame 17, the first
 * with the person: 246; later frames about 3,700). Each change from "not visible" to
 * "visible" records the frame's capture time (`captureTime`, else the callback's time, which
 * is later) as epoch ms: `performance.timeOrigin` plus the page's clock.
 *
 * It wraps getUserMedia only to see the stream the app asked for; the app gets the same
 * stream. An init-script string (not a function) so that no compiled helper leaks into it.
 */
export const VISIBLE_PIXELS = 24;

export interface Appearance {
  /** Epoch ms of the first frame in which the person is visible. */
  at: number;
  /** Whether `at` is the frame's capture time (true) or the time the page got it (false). */
  captured: boolean;
}

export function appearanceWatchScript(emptyJpeg: Uint8Array): string {
  const b64 = Buffer.from(emptyJpeg).toString('base64');
  return `(() => {
  const W = 160, H = 120, LIMIT = ${VISIBLE_PIXELS};
  window.__appearances = [];
  window.__frameTimes = [];
  const canvas = new OffscreenCanvas(W, H);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const grey = (data) => {
    const out = new Float32Array(W * H);
    for (let i = 0; i < out.length; i++) out[i] = 0.299 * data[i * 4] + 0.587 * data[i * 4 + 1] + 0.114 * data[i * 4 + 2];
    return out;
  };
  const bytes = Uint8Array.from(atob('${b64}'), (c) => c.charCodeAt(0));
  const reference = createImageBitmap(new Blob([bytes], { type: 'image/jpeg' })).then((bmp) => {
    ctx.drawImage(bmp, 0, 0, W, H);
    return grey(ctx.getImageData(0, 0, W, H).data);
  });
  const watch = async (stream) => {
    const track = stream.getVideoTracks()[0];
    if (!track || window.__watching) return;
    window.__watching = true;
    const ref = await reference;
    const video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.srcObject = new MediaStream([track]);
    let visible = true; // the first verdict only counts once the person has been seen absent
    const onFrame = (now, meta) => {
      const captured = typeof meta.captureTime === 'number' && meta.captureTime > 0;
      const at = performance.timeOrigin + (captured ? meta.captureTime : now);
      window.__frameTimes.push(at);
      if (window.__frameTimes.length > 50) window.__frameTimes.shift();
      ctx.drawImage(video, 0, 0, W, H);
      const g = grey(ctx.getImageData(0, 0, W, H).data);
      let n = 0;
      for (let i = 0; i < g.length; i++) if (Math.abs(g[i] - ref[i]) > 40) n++;
      const now_visible = n > LIMIT;
      if (now_visible && !visible) window.__appearances.push({ at, captured });
      visible = now_visible;
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
    await video.play();
  };
  const md = navigator.mediaDevices;
  const original = md.getUserMedia.bind(md);
  md.getUserMedia = async (constraints) => {
    const stream = await original(constraints);
    void watch(stream);
    return stream;
  };
})()`;
}
