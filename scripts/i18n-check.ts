/**
 * `npm run i18n:check` (part of `npm test`, issue 14): fails when a message lacks its
 * German (or any other) translation, when the committed catalogs are stale against the
 * source, or when the compiled catalogs the app loads are stale against the catalogs.
 * It extracts and compiles into a temporary copy and compares; the tree is not touched.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { staleness, translationProblems, type CatalogProblem } from './i18n/catalog-check.ts';
import { pruneSourceCatalog } from './i18n/prune-source.ts';

const LOCALES = ['en', 'de'];
const SOURCE_LOCALE = 'en';
const dir = 'src/i18n/locales';

export function checkCatalogDir(catalogDir: string, locales = LOCALES): CatalogProblem[] {
  return locales
    .filter((l) => l !== SOURCE_LOCALE)
    .flatMap((l) => translationProblems(l, readFileSync(join(catalogDir, `${l}.po`), 'utf8')));
}

function lingui(args: string[], catalogDir: string): void {
  execFileSync(process.execPath, ['node_modules/@lingui/cli/dist/lingui.js', ...args], {
    env: { ...process.env, DOORPEER_I18N_DIR: catalogDir },
    stdio: 'pipe',
  });
}

function main(): void {
  const problems = checkCatalogDir(dir);
  const tmp = mkdtempSync(join(tmpdir(), 'doorpeer-i18n-'));
  try {
    for (const l of LOCALES) copyFileSync(join(dir, `${l}.po`), join(tmp, `${l}.po`));
    lingui(['extract', '--clean'], tmp);
    for (const l of LOCALES) {
      problems.push(
        ...staleness(
          l,
          readFileSync(join(dir, `${l}.po`), 'utf8'),
          readFileSync(join(tmp, `${l}.po`), 'utf8'),
        ),
      );
    }
    // Compile what is committed (not the fresh extraction) and compare with the committed modules.
    for (const l of LOCALES) copyFileSync(join(dir, `${l}.po`), join(tmp, `${l}.po`));
    lingui(['compile', '--typescript'], tmp);
    pruneSourceCatalog(join(tmp, `${SOURCE_LOCALE}.ts`));
    for (const l of LOCALES) {
      if (readFileSync(join(tmp, `${l}.ts`), 'utf8') !== readFileSync(join(dir, `${l}.ts`), 'utf8')) {
        problems.push({ kind: 'stale-compiled', locale: l, message: `${dir}/${l}.ts` });
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (problems.length === 0) {
    console.log(`i18n: catalogs complete and current (${LOCALES.join(', ')})`);
    return;
  }
  const fix: Record<CatalogProblem['kind'], string> = {
    'missing-translation': `translate it in ${dir}/<locale>.po, then npm run i18n:compile`,
    'placeholder-mismatch': 'the translation must use the same {placeholders} as the English',
    'stale-catalog': 'run npm run i18n:extract (then translate and npm run i18n:compile)',
    'stale-compiled': 'run npm run i18n:compile',
  };
  for (const p of problems) console.error(`i18n ${p.kind} [${p.locale}]: ${p.message}\n  -> ${fix[p.kind]}`);
  console.error(`i18n: ${problems.length} problem(s)`);
  process.exitCode = 1;
}

if (import.meta.url === `file://${process.argv[1]}`) main();
