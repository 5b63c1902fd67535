/**
 * Which Chromium the e2e tests run and with which flags. One place, shared by
 * `playwright.config.ts` (the default `browser` fixture) and `devices.ts` (one
 * browser process per device).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Debian's Chromium; never a browser downloaded by Playwright. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags that work on this kind of machine (see DESIGN.md, "Browser tests"). */
export const BASE_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // The Compute Pressure API reports this machine's real CPU load, which a busy test run makes
  // "critical": cameras would step down (issue 15) at random. Tests drive a camera's stress
  // themselves (CPU throttling through CDP, an emulated battery); without the API it is "unknown".
  '--disable-blink-features=ComputePressure',
] as const;

export const FIXTURES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures');

/** Video clips in `tests/fixtures/` (640x480, 10 fps, looping). */
export type Clip = 'person-at-door' | 'empty-porch' | 'cat-passes' | 'person-far';
/** Voices in `tests/fixtures/` (48 kHz mono WAV). */
export type Voice = 'visitor-voice' | 'owner-voice';

export const clipPath = (clip: Clip): string => path.join(FIXTURES_DIR, `${clip}.mjpeg`);
export const voicePath = (voice: Voice): string => path.join(FIXTURES_DIR, `${voice}.wav`);

export interface MediaFlagOptions {
  /** Fake camera clip; `null` gives the browser no camera at all (headless has none). */
  clip: Clip | null;
  /** Fake microphone; defaults to the visitor's voice when there is a clip. */
  voice?: Voice;
  /**
   * Auto-accept the camera/microphone prompt (default true). False leaves the prompt to
   * `--deny-permission-prompts`, which is how a person pressing "Block" looks to the page.
   */
  acceptPrompt?: boolean;
}

/** Fake media flags for one browser process (one process has exactly one fake camera). */
export function mediaFlags({
  clip,
  voice = 'visitor-voice',
  acceptPrompt = true,
}: MediaFlagOptions): string[] {
  const flags: string[] = [];
  flags.push(acceptPrompt ? '--use-fake-ui-for-media-stream' : '--deny-permission-prompts');
  if (clip !== null) {
    flags.push(
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${clipPath(clip)}`,
      `--use-file-for-fake-audio-capture=${voicePath(voice)}`,
    );
  }
  return flags;
}
