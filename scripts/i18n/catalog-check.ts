/**
 * The catalog checks of `npm test` (issue 14), pure over catalog texts so a unit test can
 * run them on a temporary catalog: every message has its translation in every language,
 * and the committed catalogs hold exactly what a fresh extraction from the source gives.
 */
import PO from 'pofile';

export interface CatalogProblem {
  kind: 'missing-translation' | 'stale-catalog' | 'stale-compiled' | 'placeholder-mismatch';
  locale: string;
  message: string;
}

interface Entry {
  id: string;
  str: string;
}

export function poEntries(text: string): Entry[] {
  const po = PO.parse(text);
  return po.items
    .filter((item) => !item.obsolete && item.msgid !== '')
    .map((item) => ({ id: item.msgid, str: item.msgstr.join('') }));
}

/** ICU argument names used in a message (`{name}`, `{count, plural, …}`), sorted. */
export function placeholders(message: string): string[] {
  const names = new Set<string>();
  for (const m of message.matchAll(/\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*[,}]/g)) names.add(m[1] ?? '');
  return [...names].sort();
}

/** Messages of a non-source catalog with no translation, or whose translation drops or invents a placeholder. */
export function translationProblems(locale: string, poText: string): CatalogProblem[] {
  const problems: CatalogProblem[] = [];
  for (const e of poEntries(poText)) {
    if (e.str.trim() === '') {
      problems.push({ kind: 'missing-translation', locale, message: e.id });
    } else if (placeholders(e.id).join() !== placeholders(e.str).join()) {
      problems.push({ kind: 'placeholder-mismatch', locale, message: e.id });
    }
  }
  return problems;
}

/** Differences between a committed catalog and one freshly extracted from the source (headers ignored). */
export function staleness(locale: string, committed: string, fresh: string): CatalogProblem[] {
  const have = new Map(poEntries(committed).map((e) => [e.id, e.str]));
  const want = new Map(poEntries(fresh).map((e) => [e.id, e.str]));
  const problems: CatalogProblem[] = [];
  for (const id of want.keys()) {
    if (!have.has(id)) problems.push({ kind: 'stale-catalog', locale, message: `not extracted yet: ${id}` });
  }
  for (const id of have.keys()) {
    if (!want.has(id))
      problems.push({ kind: 'stale-catalog', locale, message: `no longer in the source: ${id}` });
  }
  return problems;
}
