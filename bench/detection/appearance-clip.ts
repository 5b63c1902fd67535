/**
 * The alert-latency benchmark's camera clip, made from `person-at-door.mjpeg` so that the
 * person appears at a known clip frame on a calm scene: the clip's empty frames (0 to 16)
 * played `EMPTY_REPEATS` times (Chromium plays an MJPEG file at 30 frames a second, so
 * about 5.7 s), then the person sliding in from frame 17 and standing.
 * The clip loops in Chromium's fake camera, so each loop is one appearance, and the long
 * empty stretch lets the motion gate close (3 s calm) before the person comes back.
 *
 * Measured on the fixture (ffmpeg to grey, against frame 0): frames 0 to 16 have no pixel
 * more than 40 grey levels from frame 0; frame 17 has 4,024 (the person's first 18 columns).
 * An MJPEG file is JPEGs back to back; splitting on the end-of-image marker is safe here
 * because JPEG entropy-coded data stuffs every 0xFF byte (0xFF 0x00).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BenchError } from '../lib/errors.ts';
import { FIXTURES_DIR } from '../lib/paths.ts';

export const SOURCE_CLIP = path.join(FIXTURES_DIR, 'person-at-door.mjpeg');
/** The first frame of `person-at-door.mjpeg` in which the person is visible. */
export const FIRST_PERSON_FRAME = 17;
export const EMPTY_REPEATS = 10;

/** Splits an MJPEG stream into its JPEG frames. */
export function splitMjpeg(bytes: Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let start = -1;
  for (let i = 0; i + 1 < bytes.length; i++) {
    if (bytes[i] !== 0xff) continue;
    const marker = bytes[i + 1];
    if (marker === 0xd8 && start < 0) start = i;
    else if (marker === 0xd9 && start >= 0) {
      frames.push(bytes.subarray(start, i + 2));
      start = -1;
      i++;
    }
  }
  return frames;
}

export interface AppearanceClip {
  file: string;
  /** Frame 0 of the source: the empty wall, the reference "no one there" picture. */
  emptyJpeg: Uint8Array;
  frames: number;
}

export async function writeAppearanceClip(): Promise<AppearanceClip> {
  const frames = splitMjpeg(new Uint8Array(await readFile(SOURCE_CLIP)));
  const first = frames[0];
  if (!first || frames.length <= FIRST_PERSON_FRAME)
    throw new BenchError(
      'FIXTURE_MISSING',
      `${SOURCE_CLIP}: expected more than ${FIRST_PERSON_FRAME} JPEG frames`,
    );
  const empty = frames.slice(0, FIRST_PERSON_FRAME);
  const clip = [
    ...Array.from({ length: EMPTY_REPEATS }, () => empty).flat(),
    ...frames.slice(FIRST_PERSON_FRAME),
  ];
  const file = path.join(tmpdir(), `doorpeer-appearance-${process.pid}.mjpeg`);
  await writeFile(file, Buffer.concat(clip));
  return { file, emptyJpeg: first, frames: clip.length };
}
