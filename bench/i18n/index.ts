/**
 * `npm run bench -- --only i18n` (issue 14): what the translation layer costs.
 *   - Bundle: gzip bytes of the viewer's initial JavaScript, built from the commit that added it and from
 *     the last commit before it (BASE_REF, a git worktree) in the same run, and of each
 *     language's catalog chunk (loaded only when that language is shown). Target: at most
 *     6 KB gzip added to the initial load.
 *   - Switch: time from choosing a language in `language-select` to the next frame showing it,
 *     beside the baseline of reloading the same screen (what a switch by reload would cost).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from '@playwright/test';
import type { Benchmark, BenchContext } from '../lib/benchmark.ts';
import { checkBrowserPrerequisites, launchChromium } from '../lib/chromium.ts';
import { replaceSection } from '../lib/markdown-section.ts';
import { BENCHMARKS_MD, REPO_ROOT, RESULTS_DIR } from '../lib/paths.ts';
import { startRelay } from '../lib/relay-process.ts';
import { median, p90, ratio, round } from '../lib/stats.ts';
import { gzipBytes, initialBundle } from './bundle.ts';

const run = promisify(execFile);
/** The last commit before the i18n layer (issue 14). */
const BASE_REF = '9edcfd5';
/**
 * The commit that added it: the bundle cost is that commit against its parent, both built
 * from git worktrees, so later changes to the first load (issue 16 split it up) do not blur
 * what the i18n layer itself costs. The language switch is timed on this tree's `dist/`.
 */
const I18N_REF = '5863a76';
const TARGET_ADDED_GZIP = 6 * 1024;
const VITE = path.join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');

async function build(cwd: string, outDir: string): Promise<void> {
  await run(process.execPath, [VITE, 'build', '--outDir', outDir, '--emptyOutDir'], {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
  });
}

async function catalogChunks(dist: string): Promise<Record<string, number>> {
  const files = await readdir(path.join(dist, 'assets'));
  const sizes: Record<string, number> = {};
  for (const lang of ['en', 'de']) {
    const file = files.find((f) => new RegExp(`^${lang}-[\\w-]+\\.js$`).test(f));
    if (file) sizes[lang] = gzipBytes(await readFile(path.join(dist, 'assets', file)));
  }
  return sizes;
}

/**
 * ms from a language chosen in the select to the next frame with `<html lang>` and the heading
 * changed. `lang` undefined: the other one of English and German than the one shown.
 */
function timeSwitch(page: Page, lang?: string): Promise<number> {
  return page.evaluate(async (wanted) => {
    const to = wanted ?? (document.documentElement.lang === 'de' ? 'en' : 'de');
    const select = document.querySelector<HTMLSelectElement>('[data-testid="language-select"]');
    const heading = document.querySelector('h1');
    if (!select || !heading) throw new Error('no language-select or heading on this screen');
    const before = heading.textContent;
    const t0 = performance.now();
    select.value = to;
    select.dispatchEvent(new Event('change', { bubbles: true }));
    for (;;) {
      await new Promise(requestAnimationFrame);
      if (document.documentElement.lang === to && document.querySelector('h1')?.textContent !== before) break;
      if (performance.now() - t0 > 10_000) throw new Error(`the screen did not change to ${to} within 10 s`);
    }
    return performance.now() - t0;
  }, lang);
}

/** ms from navigation start to the first frame that shows the screen's language select (a reload of the screen). */
async function timeReload(page: Page): Promise<number> {
  await page.reload();
  return page.evaluate(async () => {
    for (;;) {
      if (document.querySelector('[data-testid="language-select"]')) return performance.now();
      if (performance.now() > 30_000) throw new Error('the screen did not show within 30 s of the reload');
      await new Promise(requestAnimationFrame);
    }
  });
}

export const i18nBench: Benchmark = {
  name: 'i18n',
  summary: 'bundle cost of the translation layer vs the build before it; language switch vs reload',
  async run(ctx: BenchContext): Promise<void> {
    const { cleanup, log, runs, signal } = ctx;
    await checkBrowserPrerequisites();
    const tmp = await mkdtemp(path.join(tmpdir(), 'doorpeer-bench-i18n-'));
    cleanup.add('i18n bench builds', () => rm(tmp, { recursive: true, force: true }));

    log(`i18n: building ${BASE_REF} (before) and ${I18N_REF} (after)`);
    const checkout = async (name: string, ref: string): Promise<string> => {
      const dir = path.join(tmp, name);
      await run('git', ['worktree', 'add', '--detach', dir, ref], { cwd: REPO_ROOT });
      cleanup.add(`git worktree ${name}`, async () => {
        await run('git', ['worktree', 'remove', '--force', dir], { cwd: REPO_ROOT });
      });
      await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
      return dir;
    };
    const distBefore = path.join(tmp, 'dist-before');
    const distAfter = path.join(tmp, 'dist-after');
    await build(await checkout('before', BASE_REF), distBefore);
    await build(await checkout('after', I18N_REF), distAfter);
    const sizeBefore = await initialBundle(distBefore);
    const sizeAfter = await initialBundle(distAfter);
    const catalogs = await catalogChunks(distAfter);

    const relay = await startRelay(cleanup, signal);
    const browser = await launchChromium(cleanup, 'viewer');
    const page = await browser.newPage();
    await page.goto(`${relay.url}/#/viewer`);
    await page.getByTestId('language-select').waitFor();
    const cold = await timeSwitch(page, 'de');
    await timeSwitch(page, 'en');
    const switches: number[] = [];
    const reloads: number[] = [];
    for (let i = 0; i < runs; i++) {
      signal.throwIfAborted();
      // The other language than the one shown: a reload right after a switch may come back in
      // either, as the choice is written to IndexedDB after the screen changes.
      switches.push(await timeSwitch(page));
      reloads.push(await timeReload(page));
    }

    const added = sizeAfter.jsGzip - sizeBefore.jsGzip;
    const result = {
      when: new Date().toISOString(),
      baseRef: BASE_REF,
      i18nRef: I18N_REF,
      initialJsGzip: { before: sizeBefore.jsGzip, after: sizeAfter.jsGzip, added },
      initialJsRaw: { before: sizeBefore.jsRaw, after: sizeAfter.jsRaw },
      initialJsFiles: { before: sizeBefore.jsFiles, after: sizeAfter.jsFiles },
      catalogGzip: catalogs,
      targetAddedGzip: TARGET_ADDED_GZIP,
      metTarget: added <= TARGET_ADDED_GZIP,
      switchMs: {
        firstToGerman: round(cold, 1),
        median: round(median(switches), 1),
        p90: round(p90(switches), 1),
      },
      reloadMs: { median: round(median(reloads), 1), p90: round(p90(reloads), 1) },
      switchVsReload: round(ratio(median(switches), median(reloads)) ?? 0, 2),
      runs,
      raw: { switches, reloads },
    };
    log(`i18n: ${JSON.stringify({ ...result, raw: undefined, initialJsFiles: undefined })}`);
    await writeFile(path.join(RESULTS_DIR, 'i18n.json'), JSON.stringify(result, null, 2) + '\n');
    const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;
    const body = `## Translation layer: bundle cost and language switch

\`npm run bench -- --only i18n\`, ${result.when}, ${runs} runs. Both builds made in the same run from git
worktrees: \`${I18N_REF}\` (the commit that added the i18n layer) and \`${BASE_REF}\` (its parent). The
language switch is timed on this tree's build (\`dist/\`).

| | before | after | added |
|---|---:|---:|---:|
| viewer's initial JS, gzip | ${kb(sizeBefore.jsGzip)} | ${kb(sizeAfter.jsGzip)} | **${kb(added)}** (target ≤ 6 KB: ${result.metTarget ? 'met' : 'missed'}) |

Catalogs, each its own chunk loaded only when its language is shown: ${Object.entries(catalogs)
      .map(([l, b]) => `${l} ${kb(b)}`)
      .join(', ')} gzip. The English chunk holds only the messages with placeholders or plurals:
a plain English message is its own ID and shows as it is (\`scripts/i18n/prune-source.ts\`).

| language switch | median | p90 |
|---|---:|---:|
| choose a language → next frame shows it (catalog loaded) | ${result.switchMs.median} ms | ${result.switchMs.p90} ms |
| baseline: reload of the same screen | ${result.reloadMs.median} ms | ${result.reloadMs.p90} ms |

Switch / reload: **${result.switchVsReload}x**. The first switch to German, which also fetches its
catalog: ${result.switchMs.firstToGerman} ms.`;
    const doc = await readFile(BENCHMARKS_MD, 'utf8');
    await writeFile(BENCHMARKS_MD, replaceSection(doc, 'i18n', body));
  },
};
