/**
 * Draws the Doorpeer mark (a door with a peephole) as SVG and renders the PWA
 * icons from it with the local headless Chromium, so that the icons are made
 * here from source rather than downloaded. Run after changing the mark:
 *
 *   node --import tsx scripts/make-icons.ts
 *
 * Writes `public/favicon.svg` and `public/icons/*.png`; the outputs are
 * committed, so a build does not need a browser.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

/** Kept in step with `theme_color` / `background_color` in vite.config.ts. */
const NAVY = '#14213d';
const DOOR = '#f4a261';
const LENS = '#8ecae6';

/**
 * The mark on a 512 x 512 canvas. `scale` shrinks it about the centre; the
 * maskable variant needs it inside the central circle of radius 40 % that
 * every launcher mask keeps.
 */
function markSvg(scale: number): string {
  return `<g transform="translate(256 256) scale(${scale}) translate(-256 -256)">
    <path d="M156 440 V200 A100 100 0 0 1 356 200 V440 Z" fill="${DOOR}"/>
    <circle cx="256" cy="214" r="46" fill="${NAVY}"/>
    <circle cx="256" cy="214" r="24" fill="${LENS}"/>
    <circle cx="247" cy="205" r="7" fill="#ffffff"/>
    <circle cx="322" cy="330" r="13" fill="${NAVY}"/>
  </g>`;
}

type Shape = 'rounded' | 'full-bleed';

function iconSvg(shape: Shape): string {
  // Rounded for places that show the icon as drawn (tab, "any" purpose);
  // full bleed where the platform applies its own mask (maskable, iOS).
  const background =
    shape === 'rounded'
      ? `<rect width="512" height="512" rx="112" fill="${NAVY}"/>`
      : `<rect width="512" height="512" fill="${NAVY}"/>`;
  const scale = shape === 'rounded' ? 1 : 0.8;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">${background}${markSvg(scale)}</svg>\n`;
}

interface Png {
  file: string;
  size: number;
  shape: Shape;
}

const PNGS: readonly Png[] = [
  { file: 'icons/icon-192.png', size: 192, shape: 'rounded' },
  { file: 'icons/icon-512.png', size: 512, shape: 'rounded' },
  { file: 'icons/icon-maskable-512.png', size: 512, shape: 'full-bleed' },
  { file: 'icons/apple-touch-icon-180.png', size: 180, shape: 'full-bleed' },
];

const publicDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'public');

async function main(): Promise<void> {
  await mkdir(join(publicDir, 'icons'), { recursive: true });
  await writeFile(join(publicDir, 'favicon.svg'), iconSvg('rounded'));

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  try {
    for (const png of PNGS) {
      const page = await browser.newPage({ viewport: { width: png.size, height: png.size } });
      const svg = iconSvg(png.shape).replace('<svg ', `<svg width="${png.size}" height="${png.size}" `);
      await page.setContent(`<!doctype html><body style="margin:0">${svg}</body>`);
      // Transparent page background keeps the rounded corners transparent.
      const bytes = await page.screenshot({ omitBackground: true, type: 'png' });
      await writeFile(join(publicDir, png.file), bytes);
      await page.close();
      console.log(`wrote public/${png.file} (${png.size}px, ${bytes.length} bytes)`);
    }
  } finally {
    await browser.close();
  }
}

await main();
