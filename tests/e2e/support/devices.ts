/**
 * One Chromium *process* per device (a process has exactly one fake camera and
 * microphone), each with a fresh context, so a camera and its viewers really are
 * separate machines as far as WebRTC, IndexedDB and the relay are concerned.
 *
 *   const camera = await devices.openCamera(relay, 'person-at-door'); // waits for a pairing code
 *   const viewer = await devices.openViewer(relay);                   // waits for `add-camera`
 *   const odd = await devices.launch({ name: 'denied', clip: 'empty-porch', acceptPrompt: false });
 *   await gotoRoute(odd, relay, '#/camera');
 *
 * `Devices` closes every browser it launched when the test ends (see `fixtures.ts`), and on
 * failure attaches each device's console log to the report.
 */
import {
  chromium,
  expect,
  type Browser,
  type BrowserContext,
  type Page,
  type TestInfo,
} from '@playwright/test';
import { BASE_FLAGS, CHROMIUM_PATH, mediaFlags, type Clip, type MediaFlagOptions } from './chromium.ts';
import type { Relay } from './relay.ts';

export interface LaunchOptions extends MediaFlagOptions {
  /** Shows up in failure attachments and console logs, e.g. `camera`, `viewer-2`. */
  name: string;
  /** Extra Chromium flags for this device only. */
  extraArgs?: string[];
  /** The browser's language (`navigator.languages`, Accept-Language), e.g. `de-DE`; default en-US. */
  locale?: string;
  /** `block`: no service worker, so every request of the page goes to the network (and to `page.route`). */
  serviceWorkers?: 'allow' | 'block';
}

/** What a test may set on `openCamera`/`openViewer` beyond the defaults. */
export interface OpenOptions {
  locale?: string;
}

const MAX_LOG_LINES = 400;

/** One browser process with one context and one page. */
export class Device {
  /** Console messages, page errors and relay WebSocket events, newest last (capped). */
  readonly log: string[] = [];
  private readonly framesReceived = new Map<string, number>();

  constructor(
    readonly name: string,
    readonly browser: Browser,
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on('console', (msg) => this.note(`console.${msg.type()}: ${msg.text()}`));
    page.on('pageerror', (error) => this.note(`pageerror: ${error.message}`));
    // Count what the relay sends this page, by frame type (`t`), so a test can wait for
    // "the relay answered" instead of guessing how long an answer takes.
    page.on('websocket', (ws) => {
      this.note(`websocket open ${ws.url()}`);
      ws.on('framereceived', ({ payload }) => {
        const type = typeof payload === 'string' ? frameType(payload) : 'binary';
        this.framesReceived.set(type, (this.framesReceived.get(type) ?? 0) + 1);
      });
      ws.on('close', () => this.note(`websocket closed ${ws.url()}`));
    });
  }

  /** How many relay frames of these types (`deliver`, `error`, ...) this page has received so far. */
  relayFramesReceived(...types: string[]): number {
    return types.reduce((sum, type) => sum + (this.framesReceived.get(type) ?? 0), 0);
  }

  private note(line: string): void {
    this.log.push(line);
    if (this.log.length > MAX_LOG_LINES) this.log.shift();
  }
}

function frameType(payload: string): string {
  try {
    const parsed: unknown = JSON.parse(payload);
    if (parsed && typeof parsed === 'object' && 't' in parsed && typeof parsed.t === 'string')
      return parsed.t;
  } catch {
    // Not JSON: counted as `unknown` below.
  }
  return 'unknown';
}

/** Launches and tracks devices for one test; `closeAll()` in teardown. */
export class Devices {
  private readonly launched: Device[] = [];

  constructor(private readonly testInfo: TestInfo) {}

  get all(): readonly Device[] {
    return this.launched;
  }

  async launch(options: LaunchOptions): Promise<Device> {
    const browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...BASE_FLAGS, ...mediaFlags(options), ...(options.extraArgs ?? [])],
    });
    const context = await browser.newContext({
      viewport: { width: 1000, height: 800 },
      ...(options.locale ? { locale: options.locale } : {}),
      ...(options.serviceWorkers ? { serviceWorkers: options.serviceWorkers } : {}),
    });
    const page = await context.newPage();
    const device = new Device(options.name, browser, context, page);
    this.launched.push(device);
    return device;
  }

  /**
   * A camera device playing `clip`, on `#/camera` (choosing "camera" on the first-run
   * screen if the app shows it), waiting until it shows a pairing code.
   */
  async openCamera(
    relay: Relay,
    clip: Clip = 'person-at-door',
    name = 'camera',
    { locale }: OpenOptions = {},
  ): Promise<Device> {
    const camera = await this.launch({ name, clip, locale });
    await gotoRoute(camera, relay, '#/camera');
    await chooseRoleIfAsked(camera.page, 'choose-camera', 'pairing-code');
    await expect(camera.page.getByTestId('pairing-code')).toHaveText(PAIRING_CODE_PATTERN);
    return camera;
  }

  /** A viewer device (owner's voice as its microphone) on `#/viewer`, waiting for `add-camera`. */
  async openViewer(relay: Relay, name = 'viewer', { locale }: OpenOptions = {}): Promise<Device> {
    const viewer = await this.launch({ name, clip: 'empty-porch', voice: 'owner-voice', locale });
    await gotoRoute(viewer, relay, '#/viewer');
    await chooseRoleIfAsked(viewer.page, 'choose-viewer', 'add-camera');
    await expect(viewer.page.getByTestId('add-camera')).toBeVisible();
    return viewer;
  }

  /**
   * Close every browser; on failure first attach each device's log. (Screenshots of every
   * page come from the config's `screenshot: 'only-on-failure'`.)
   */
  async closeAll(): Promise<void> {
    const failed = this.testInfo.status !== this.testInfo.expectedStatus;
    for (const device of this.launched) {
      if (failed) await this.attachDiagnostics(device);
      await device.browser.close().catch(() => undefined);
    }
    this.launched.length = 0;
  }

  private async attachDiagnostics(device: Device): Promise<void> {
    await this.testInfo.attach(`${device.name}-log.txt`, {
      body: `url: ${device.page.url()}\n${device.log.join('\n')}`,
      contentType: 'text/plain',
    });
  }
}

/** A pairing code as the camera shows it, e.g. `K7QM-4T9X` (handle, dash, secret). */
export const PAIRING_CODE_PATTERN = /\b[0-9A-Z]{4}-[0-9A-Z]{4}\b/;

/** Open `route` (e.g. `#/camera`, `#/viewer/live/<id>`) on the relay's origin. */
export async function gotoRoute(device: Device, relay: Relay, route: string): Promise<void> {
  await device.page.goto(`${relay.url}/${route}`);
}

/**
 * The first-run screen (`#/`) may come up instead of the requested route on a fresh
 * device; the contract lets either happen, so wait for either the choice or any of
 * `readyTestIds`, and make the choice if it is offered.
 */
export async function chooseRoleIfAsked(
  page: Page,
  chooseTestId: string,
  ...readyTestIds: string[]
): Promise<void> {
  const choose = page.getByTestId(chooseTestId);
  const ready = readyTestIds.reduce((any, id) => any.or(page.getByTestId(id)), choose);
  await expect(ready.first()).toBeVisible();
  if (await choose.isVisible()) await choose.click();
}
