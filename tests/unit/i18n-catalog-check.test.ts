import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCatalogDir } from '../../scripts/i18n-check.ts';
import { placeholders, staleness } from '../../scripts/i18n/catalog-check.ts';

const HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n';
const po = (entries: [string, string][]): string =>
  HEADER +
  entries.map(([id, str]) => `msgid ${JSON.stringify(id)}\nmsgstr ${JSON.stringify(str)}\n`).join('\n');

function withCatalog(de: [string, string][], run: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'doorpeer-i18n-test-'));
  try {
    writeFileSync(join(dir, 'en.po'), po(de.map(([id]) => [id, id])));
    writeFileSync(join(dir, 'de.po'), po(de));
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a complete German catalog passes the check', () => {
  withCatalog(
    [
      ['Ring', 'Klingeln'],
      [
        '{count, plural, one {# viewer} other {# viewers}}',
        '{count, plural, one {# Betrachter} other {# Betrachter}}',
      ],
    ],
    (dir) => assert.deepEqual(checkCatalogDir(dir), []),
  );
});

test('a message left without its German translation fails the check, by name', () => {
  withCatalog(
    [
      ['Ring', 'Klingeln'],
      ['Decline', ''],
    ],
    (dir) =>
      assert.deepEqual(checkCatalogDir(dir), [
        { kind: 'missing-translation', locale: 'de', message: 'Decline' },
      ]),
  );
});

test('a translation that drops a placeholder fails the check', () => {
  withCatalog([['Motion at {camera}', 'Bewegung erkannt']], (dir) =>
    assert.deepEqual(checkCatalogDir(dir), [
      { kind: 'placeholder-mismatch', locale: 'de', message: 'Motion at {camera}' },
    ]),
  );
});

test('placeholders are found in plain and plural arguments', () => {
  assert.deepEqual(placeholders('{name} has {count, plural, one {# clip} other {# clips}}'), [
    'count',
    'name',
  ]);
  assert.deepEqual(placeholders('No values here'), []);
});

test('a catalog missing a message of the source, or keeping one the source dropped, is stale', () => {
  const committed = po([
    ['Ring', 'Klingeln'],
    ['Old text', 'Alter Text'],
  ]);
  const fresh = po([
    ['Ring', 'Klingeln'],
    ['New text', ''],
  ]);
  assert.deepEqual(
    staleness('de', committed, fresh).map((p) => p.message),
    ['not extracted yet: New text', 'no longer in the source: Old text'],
  );
  assert.deepEqual(staleness('de', committed, committed), []);
});

test('the English chunk keeps only messages that need compiling; plain ones show as their own ID', async () => {
  const { pruneCompiled } = await import('../../scripts/i18n/prune-source.ts');
  const messages = { Ring: ['Ring'], 'Motion at {camera}': ['Motion at ', ['camera']] };
  const module = `/*eslint-disable*/import type{Messages}from"@lingui/core";export const messages=JSON.parse(${JSON.stringify(
    JSON.stringify(messages),
  )})as Messages;`;
  const pruned = pruneCompiled(module);
  const json = JSON.parse(
    JSON.parse(pruned.slice(pruned.indexOf('JSON.parse(') + 11, -')as Messages;'.length)) as string,
  );
  assert.deepEqual(json, { 'Motion at {camera}': ['Motion at ', ['camera']] });
  assert.throws(() => pruneCompiled('export const x = 1;'), /lingui compile/);
});
