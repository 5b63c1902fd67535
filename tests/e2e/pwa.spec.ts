/**
 * The built app, served by the real relay, is a working PWA: Chromium finds it
 * installable, its manifest and icons load, nothing is fetched from another
 * host, and the app shell opens with the relay gone.
 *
 * Needs `dist/` (`npm run build`; `npm test` does it first).
 */
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { test, expect } from './support/fixtures.ts';
import { BASE_FLAGS, CHROMIUM_PATH } from './support/chromium.ts';

/** The manifest fields Chromium reports back through `Page.getAppManifest`. */
interface ManifestIcon {
  src: string;
  sizes: string;
  type: string;
  purpose?: string;
}
interface Manifest {
  name: string;
  short_name: string;
  start_url: string;
  scope: string;
  display: string;
  theme_color: string;
  background_color: string;
  icons: ManifestIcon[];
}

/** Something the app renders once it has started: the first-run choice, or any page of it. */
function appContent(page: Page) {
  return page.getByTestId('choose-camera').or(page.locator('#app > *')).first();
}

/** Resolves once a service worker is active and controls this page (precache complete). */
async function waitForServiceWorker(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      // `clientsClaim` hands the page to the new worker; wait for that rather than reloading.
      await new Promise<void>((resolve) =>
        navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true }),
      );
    }
    return registration.active?.scriptURL ?? '';
  });
}

async function openApp(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/`);
  await expect(appContent(page)).toBeVisible();
}

test('the built app is installable, with its manifest and icons', async ({ relay }, testInfo) => {
  // Chromium never offers to install from an incognito profile ("in-incognito"), which is
  // what `browser.newContext()` gives, so this test runs a browser on a real profile.
  const context: BrowserContext = await chromium.launchPersistentContext(testInfo.outputPath('profile'), {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...BASE_FLAGS],
  });
  try {
    await expectInstallable(context, relay.url);
  } finally {
    await context.close();
  }
});

async function expectInstallable(context: BrowserContext, url: string): Promise<void> {
  const origins = new Set<string>();
  context.on('request', (request) => origins.add(new URL(request.url()).origin));
  const page = context.pages()[0] ?? (await context.newPage());

  await openApp(page, url);
  expect(await waitForServiceWorker(page)).toBe(`${url}/sw.js`);

  const cdp = await context.newCDPSession(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  expect(installabilityErrors).toEqual([]);

  const appManifest = await cdp.send('Page.getAppManifest');
  expect(appManifest.url).toBe(`${url}/manifest.webmanifest`);
  expect(appManifest.errors).toEqual([]);
  const manifest = JSON.parse(appManifest.data ?? 'null') as Manifest;
  expect(manifest).toMatchObject({
    name: 'Doorpeer',
    short_name: 'Doorpeer',
    start_url: '/',
    scope: '/',
    display: 'standalone',
  });
  expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
  expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i);
  expect(manifest.icons.map((i) => `${i.sizes} ${i.purpose ?? 'any'}`).sort()).toEqual([
    '192x192 any',
    '512x512 any',
    '512x512 maskable',
  ]);

  // Every icon the manifest and the page name must decode as a PNG/SVG of the stated size.
  const pageIcons = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLLinkElement>('link[rel="icon"], link[rel="apple-touch-icon"]')].map(
      (link) => link.getAttribute('href') ?? '',
    ),
  );
  expect(pageIcons).toHaveLength(2);
  const icons = [
    ...manifest.icons.map((i) => ({ src: i.src, sizes: i.sizes })),
    ...pageIcons.map((src) => ({ src, sizes: '' })),
  ];
  for (const icon of icons) {
    const loaded = await page.evaluate(async (src) => {
      const response = await fetch(src, { cache: 'no-store' });
      const blob = await response.blob();
      const image = new Image();
      image.src = URL.createObjectURL(blob);
      await image.decode();
      return {
        status: response.status,
        type: blob.type,
        size: `${image.naturalWidth}x${image.naturalHeight}`,
      };
    }, icon.src);
    expect(loaded.status, icon.src).toBe(200);
    expect(loaded.type, icon.src).toMatch(/^image\/(png|svg\+xml)$/);
    if (icon.sizes) expect(loaded.size, icon.src).toBe(icon.sizes);
  }

  // No CDN, no public STUN page, no fonts from elsewhere: the relay's origin is the only one.
  expect([...origins]).toEqual([url]);
}

test('the app shell opens offline once the service worker is active', async ({ relay, devices }) => {
  const device = await devices.launch({ name: 'offline', clip: null });
  await openApp(device.page, relay.url);
  await waitForServiceWorker(device.page);

  // Really offline: the browser has no network and the relay process is gone.
  await device.context.setOffline(true);
  await relay.stop();

  const response = await device.page.reload();
  expect(response?.fromServiceWorker()).toBe(true);
  await expect(appContent(device.page)).toBeVisible();
  // A path the app does not know still gets the shell (navigateFallback).
  const deepLink = await device.page.goto(`${relay.url}/some/deep/link`);
  expect(deepLink?.fromServiceWorker()).toBe(true);
  await expect(appContent(device.page)).toBeVisible();
});

test('the service worker never answers for the relay endpoint /ws', async ({ relay, devices }) => {
  const device = await devices.launch({ name: 'ws-path', clip: null });
  await openApp(device.page, relay.url);
  await waitForServiceWorker(device.page);

  // Whatever the relay answers a plain GET on /ws with, it must come from the relay itself.
  const ws = await device.page.goto(`${relay.url}/ws`);
  expect(ws?.fromServiceWorker()).toBe(false);
  // Control: other unknown paths do get the cached shell, so the assertion above can fail.
  const other = await device.page.goto(`${relay.url}/wsx`);
  expect(other?.fromServiceWorker()).toBe(true);
});
