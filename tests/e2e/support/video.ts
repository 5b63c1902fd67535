/**
 * Is real video arriving in a `<video>`? Three independent checks, each waiting on the
 * element's own state (never a fixed sleep):
 *   - size: videoWidth x videoHeight is the fixture's 640x480;
 *   - motion: decoded frames and currentTime keep advancing;
 *   - picture: the frame is not uniform (black, grey or a single colour), measured as the
 *     standard deviation of luma over a downscaled copy of the frame.
 *
 *   await expectLiveVideo(viewer.page);               // all three on `live-video`
 *   await expectFramesAdvance(viewer.page, 10);       // motion only, e.g. during a relay outage
 */
import { expect, type Locator, type Page } from '@playwright/test';

/** The fixture clips are 640x480. */
export const FIXTURE_SIZE = { width: 640, height: 480 } as const;

/**
 * The brick-wall clips measure a luma standard deviation of about 27 (0-255 scale);
 * a black or flat frame is about 0. 10 leaves room for compression and scaling.
 */
export const MIN_LUMA_STDDEV = 10;

const liveVideo = (page: Page): Locator => page.getByTestId('live-video');

/** Wait for 640x480 video whose frames advance and whose picture is not uniform. */
export async function expectLiveVideo(page: Page, video: Locator = liveVideo(page)): Promise<void> {
  await expect(video).toBeVisible();
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => ({ width: v.videoWidth, height: v.videoHeight })), {
      message: 'live video is 640x480',
    })
    .toEqual(FIXTURE_SIZE);
  await expectFramesAdvance(page, 5, video);
  await expect
    .poll(() => lumaStdDev(video), {
      message: `live video picture is not uniform (luma stddev > ${MIN_LUMA_STDDEV})`,
    })
    .toBeGreaterThan(MIN_LUMA_STDDEV);
}

/** Wait until at least `frames` more frames have been decoded and currentTime has moved on. */
export async function expectFramesAdvance(
  page: Page,
  frames = 5,
  video: Locator = liveVideo(page),
): Promise<void> {
  const start = await playback(video);
  await expect
    .poll(
      async () => {
        const now = await playback(video);
        return { framesAdvanced: now.frames - start.frames >= frames, timeAdvanced: now.time > start.time };
      },
      { message: `${frames} more video frames are decoded` },
    )
    .toEqual({ framesAdvanced: true, timeAdvanced: true });
}

function playback(video: Locator): Promise<{ frames: number; time: number }> {
  return video.evaluate((v: HTMLVideoElement) => ({
    frames: v.getVideoPlaybackQuality().totalVideoFrames,
    time: v.currentTime,
  }));
}

/** Standard deviation of luma (Rec. 601) over a 160x120 copy of the current frame. */
export function lumaStdDev(video: Locator): Promise<number> {
  return video.evaluate((v: HTMLVideoElement) => {
    const canvas = document.createElement('canvas');
    canvas.width = 160;
    canvas.height = 120;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx || v.videoWidth === 0) return 0;
    ctx.drawImage(v, 0, 0, canvas.width, canvas.height);
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let sum = 0;
    let sumSquares = 0;
    const n = data.length / 4;
    for (let i = 0; i < data.length; i += 4) {
      const y = 0.299 * (data[i] ?? 0) + 0.587 * (data[i + 1] ?? 0) + 0.114 * (data[i + 2] ?? 0);
      sum += y;
      sumSquares += y * y;
    }
    const mean = sum / n;
    return Math.sqrt(Math.max(0, sumSquares / n - mean * mean));
  });
}
