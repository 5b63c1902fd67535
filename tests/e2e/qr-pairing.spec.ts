/**
 * Pairing by QR code the way a phone does it: the viewer's own camera looks at
 * the camera's screen. The test copies the QR code the camera page drew into a
 * Y4M clip and gives it to the viewer's browser as its fake camera; the app
 * decodes it (BarcodeDetector where the platform has it, jsQR otherwise) and
 * pairs through the QR path, with no digits to compare.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from './support/fixtures.ts';
import { gotoRoute } from './support/devices.ts';
import { expectLiveVideo } from './support/video.ts';

const W = 640;
const H = 480;

/** A Y4M (4:2:0) clip of `frames` identical frames: the grey-level QR image centred on white. */
function qrClip(grey: Uint8Array, size: number, frames = 3): Buffer {
  const y = Buffer.alloc(W * H, 255);
  const x0 = Math.floor((W - size) / 2);
  const y0 = Math.floor((H - size) / 2);
  for (let r = 0; r < size; r++)
    for (let c = 0; c < size; c++) y[(y0 + r) * W + x0 + c] = grey[r * size + c]!;
  const chroma = Buffer.alloc((W / 2) * (H / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma]);
  return Buffer.concat([
    Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`),
    ...Array(frames).fill(frame),
  ]);
}

test('a viewer scans the camera’s QR code with its own camera and pairs without a code to type', async ({
  relay,
  devices,
}) => {
  const camera = await devices.openCamera(relay);
  const qr = camera.page.getByTestId('pairing-qr');
  await expect(qr).toBeVisible();
  // The QR drawn on the camera's screen, as grey levels.
  const { size, grey } = await qr.evaluate((el) => {
    const canvas = el as HTMLCanvasElement;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const out: number[] = [];
    for (let i = 0; i < data.length; i += 4)
      out.push(Math.round((data[i]! + data[i + 1]! + data[i + 2]!) / 3));
    return { size: canvas.width, grey: out };
  });
  expect(size).toBeLessThan(H);
  const dir = mkdtempSync(path.join(tmpdir(), 'doorpeer-qr-'));
  const clip = path.join(dir, 'qr.y4m');
  writeFileSync(clip, qrClip(Uint8Array.from(grey), size));
  try {
    const viewer = await devices.launch({
      name: 'viewer',
      clip: null,
      extraArgs: ['--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${clip}`],
    });
    await gotoRoute(viewer, relay, '#/viewer');
    const choose = viewer.page.getByTestId('choose-viewer');
    await expect(choose.or(viewer.page.getByTestId('add-camera')).first()).toBeVisible();
    if (await choose.isVisible()) await choose.click();
    await viewer.page.getByTestId('add-camera').click();
    await viewer.page.getByTestId('pairing-scan').click();

    // Paired with no digits to compare: the camera's tile appears.
    await expect(viewer.page.getByTestId('camera-tile')).toHaveCount(1);
    await expect(viewer.page.getByTestId('pairing-sas')).toHaveCount(0);
    await expect(camera.page.getByTestId('pairing-sas')).toHaveCount(0);
    await expect(camera.page.getByTestId('paired-viewer')).toHaveCount(1);
    await viewer.page.getByTestId('camera-tile').click();
    await expectLiveVideo(viewer.page);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
