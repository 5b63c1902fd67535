/** Where things live, resolved from this file so the harness works from any cwd. */
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RESULTS_DIR = path.join(REPO_ROOT, 'bench', 'results');
export const BENCHMARKS_MD = path.join(REPO_ROOT, 'BENCHMARKS.md');
export const FIXTURES_DIR = path.join(REPO_ROOT, 'tests', 'fixtures');
export const FAKE_VIDEO = path.join(FIXTURES_DIR, 'person-at-door.mjpeg');
export const FAKE_AUDIO = path.join(FIXTURES_DIR, 'visitor-voice.wav');
