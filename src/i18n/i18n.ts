/**
 * The one translation runtime of the app and the service worker (issue 14): Lingui's
 * `i18n` instance, with each language's compiled catalog loaded only when that
 * language is shown (`import()` gives each its own chunk).
 *
 * Code writes messages as English in the source: `i18n._('Ring')`, or with ICU values
 * `i18n._('{count, plural, one {# viewer} other {# viewers}}', { count })`. Tables of
 * messages mark each entry `/*i18n*\/ { id: 'English' }` and render it with `i18n._(entry)`.
 */
import { i18n, type Messages } from '@lingui/core';
import { LANGUAGES, type Language } from './languages.ts';

export { i18n };

const catalogs: Record<Language, () => Promise<{ messages: Messages }>> = {
  en: () => import('./locales/en.ts'),
  de: () => import('./locales/de.ts'),
};

const loaded = new Set<Language>();

// English with no catalog until one is loaded: a message shown before that (or in a unit
// test, which runs the source uncompiled) reads as its English source instead of throwing.
i18n.loadAndActivate({ locale: 'en', messages: {} });

/** Loads `lang`'s catalog if it is not loaded yet and makes it the active language. */
export async function activateLanguage(lang: Language): Promise<void> {
  if (!loaded.has(lang)) {
    const { messages } = await catalogs[lang]();
    i18n.load(lang, messages);
    loaded.add(lang);
  }
  i18n.activate(lang);
}

/** The language shown now (English before any is activated). */
export function activeLanguage(): Language {
  const locale = i18n.locale;
  return (LANGUAGES as readonly string[]).includes(locale) ? (locale as Language) : 'en';
}
