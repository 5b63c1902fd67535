/**
 * The ring's snapshot: one frame of the door's outgoing (privacy-masked)
 * stream as a JPEG, at most 640 px wide. Browser only.
 */
const MAX_WIDTH = 640;

export async function grabJpeg(stream: MediaStream, signal?: AbortSignal): Promise<Blob | null> {
  const track = stream.getVideoTracks()[0];
  if (!track || track.readyState !== 'live') return null;
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([track]);
  try {
    await video.play();
    if (video.readyState < 2) {
      await new Promise<void>((resolve, reject) => {
        video.addEventListener('loadeddata', () => resolve(), { once: true });
        signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
      });
    }
    const w = Math.min(MAX_WIDTH, video.videoWidth);
    const h = Math.round((video.videoHeight / Math.max(1, video.videoWidth)) * w);
    if (!w || !h) return null;
    const canvas = new OffscreenCanvas(w, h);
    canvas.getContext('2d')?.drawImage(video, 0, 0, w, h);
    return await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.7 });
  } catch {
    return null; // the ring goes without a picture rather than not at all
  } finally {
    video.srcObject = null;
  }
}
