/**
 * Plurals, dates, sizes and durations in both languages (issue 14), through the compiled
 * catalogs the app loads and `Intl`, and the choice of language.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setupI18n } from '@lingui/core';
import { messages as deMessages } from '../../src/i18n/locales/de.ts';
import { messages as enMessages } from '../../src/i18n/locales/en.ts';
import {
  formatBytes,
  formatDate,
  formatDuration,
  formatRelative,
  formatTime,
} from '../../src/i18n/format.ts';
import { languageOf, pickLanguage } from '../../src/i18n/languages.ts';
import { activateLanguage, activeLanguage, i18n } from '../../src/i18n/i18n.ts';
import { healthTitle } from '../../src/shared/health-text.ts';

const catalogs = setupI18n({ locale: 'en', messages: { en: enMessages, de: deMessages } });
const say = (lang: 'en' | 'de', id: string, values?: Record<string, unknown>): string => {
  catalogs.activate(lang);
  return catalogs._(id, values);
};

test('plurals follow each language’s rules (ICU one/other) from the compiled catalogs', () => {
  const clips = '{count, plural, one {# clip not kept} other {# clips not kept}}';
  assert.equal(say('en', clips, { count: 1 }), '1 clip not kept');
  assert.equal(say('en', clips, { count: 2 }), '2 clips not kept');
  assert.equal(say('de', clips, { count: 1 }), '1 Clip nicht gespeichert');
  assert.equal(say('de', clips, { count: 3 }), '3 Clips nicht gespeichert');
  assert.equal(say('de', clips, { count: 0 }), '0 Clips nicht gespeichert');
  const attempts = '{count, plural, one {# attempt left} other {# attempts left}}';
  assert.equal(say('en', attempts, { count: 1 }), '1 attempt left');
  assert.equal(say('de', attempts, { count: 1 }), 'noch 1 Versuch');
  assert.equal(say('de', attempts, { count: 2 }), 'noch 2 Versuche');
});

test('a placeholder value is put in place, in both languages', () => {
  assert.equal(say('en', 'Wrong PIN at {name}', { name: 'Front door' }), 'Wrong PIN at Front door');
  assert.match(say('de', 'Wrong PIN at {name}', { name: 'Haustür' }), /Haustür/);
  assert.doesNotMatch(say('de', 'Wrong PIN at {name}', { name: 'Haustür' }), /Wrong|\{name\}/);
});

test('relative times read as people say them: “3 minutes ago” / “vor 3 Minuten”', () => {
  const now = Date.UTC(2026, 11, 4, 14, 3, 0);
  assert.equal(formatRelative(now - 3 * 60_000, now, 'en'), '3 minutes ago');
  assert.equal(formatRelative(now - 3 * 60_000, now, 'de'), 'vor 3 Minuten');
  assert.equal(formatRelative(now - 1 * 60_000, now, 'de'), 'vor 1 Minute');
  assert.equal(formatRelative(now - 2 * 3_600_000, now, 'de'), 'vor 2 Stunden');
  assert.equal(formatRelative(now - 86_400_000, now, 'de'), 'gestern');
  assert.equal(formatRelative(now, now, 'en'), 'now');
  assert.equal(formatRelative(now, now, 'de'), 'jetzt');
});

test('dates, times, sizes and durations use each language’s conventions', () => {
  const at = Date.UTC(2026, 11, 4, 14, 3, 0);
  assert.equal(formatDate(at, 'de'), '04.12.2026');
  assert.match(formatDate(at, 'en'), /^Dec 4, 2026$/);
  assert.match(formatTime(at, 'de'), /^\d{2}:\d{2}$/); // 24-hour clock
  assert.match(formatTime(at, 'en'), /^\d{1,2}:\d{2}\s?[AP]M$/);
  assert.equal(formatBytes(1_536_000, 'en'), '1.5 MB');
  assert.equal(formatBytes(1_536_000, 'de'), '1,5 MB');
  assert.equal(formatBytes(253_000, 'de'), '253 kB');
  assert.equal(formatDuration(65_000, 'en'), '1 min 5 sec');
  assert.equal(formatDuration(65_000, 'de'), '1 Min. 5 Sek.');
  assert.equal(formatDuration(3_600_000, 'de'), '1 Std.');
});

test('the language shown: kept choice first, then the browser’s languages, then English', () => {
  assert.equal(pickLanguage('de', ['en-US']), 'de');
  assert.equal(pickLanguage(undefined, ['fr-FR', 'de-AT', 'en']), 'de');
  assert.equal(pickLanguage(undefined, ['fr-FR', 'it']), 'en');
  assert.equal(pickLanguage('xx', ['en-GB']), 'en');
  assert.equal(languageOf('de_CH'), 'de');
  assert.equal(languageOf('pt-BR'), undefined);
});

test('activating German loads its catalog: shared texts (a health warning) render in German', async () => {
  try {
    await activateLanguage('de');
    assert.equal(activeLanguage(), 'de');
    assert.equal(
      healthTitle('Garage', 'unplugged', 'normal'),
      'Garage: Ladegerät getrennt, wieder in Ordnung',
    );
    assert.equal(i18n._('Language'), 'Sprache');
  } finally {
    await activateLanguage('en');
  }
  assert.equal(i18n._('Language'), 'Language');
});
