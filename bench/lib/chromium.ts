/**
 * Launches Debian's Chromium (never a downloaded browser) with the flags from
 * DESIGN.md and a fake camera and microphone fed from the test fixtures.
 * One browser process has one fake camera, so each side of a call that
 * must be a separate device gets its own `launchChromium`.
 */
import { access } from 'node:fs/promises';
import { chromium, type Browser } from '@playwright/test';
import { BenchError } from './errors.ts';
import type { Cleanup } from './cleanup.ts';
import { FAKE_AUDIO, FAKE_VIDEO } from './paths.ts';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

const BASE_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The fake camera and microphone; `media` replaces either file (e.g. a tone-burst WAV). */
function fakeMediaFlags(media: { video?: string; audio?: string } = {}): string[] {
  return [
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${media.video ?? FAKE_VIDEO}`,
    `--use-file-for-fake-audio-capture=${media.audio ?? FAKE_AUDIO}`,
  ];
}

/** Fails early, with a code, if the browser or the fixtures are not there. */
export async function checkBrowserPrerequisites(): Promise<void> {
  try {
    await access(CHROMIUM_PATH);
  } catch {
    throw new BenchError(
      'CHROMIUM_MISSING',
      `no Chromium at ${CHROMIUM_PATH} (apt install chromium, or set CHROMIUM_PATH)`,
    );
  }
  for (const file of [FAKE_VIDEO, FAKE_AUDIO]) {
    try {
      await access(file);
    } catch {
      throw new BenchError('FIXTURE_MISSING', `missing fixture ${file} (see tests/fixtures/README.md)`);
    }
  }
}

export async function launchChromium(
  cleanup: Cleanup,
  label: string,
  media: { video?: string; audio?: string } = {},
): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // run.ts owns Ctrl-C and SIGTERM: it aborts and runs the cleanup stack, which closes this browser.
    handleSIGINT: false,
    handleSIGTERM: false,
    args: [...BASE_FLAGS, ...fakeMediaFlags(media)],
  });
  cleanup.add(`chromium (${label})`, () => browser.close());
  return browser;
}
