/**
 * Which language this device shows (issue 14): the one chosen here and kept in the
 * `settings` store, else the browser's (`navigator.languages`). `<html lang>` follows
 * it, and so does the manifest link, so an installed app is named in that language
 * where the platform reads it. Each device has its own: a door station in German and
 * the owner's phone in English exchange data, and each renders it itself.
 */
import { getSetting, setSetting, type Db } from './db.ts';
import { activateLanguage, i18n } from '../i18n/i18n.ts';
import { pickLanguage, type Language } from '../i18n/languages.ts';

function showLanguage(lang: Language): void {
  document.documentElement.lang = lang;
  const manifest = document.querySelector<HTMLLinkElement>('link[rel="manifest"]');
  if (manifest) manifest.href = lang === 'en' ? '/manifest.webmanifest' : `/manifest.${lang}.webmanifest`;
}

/** Activates the language this device shows, before the first screen renders. */
export async function startLanguage(db: Db | undefined): Promise<Language> {
  const chosen = db ? await getSetting(db, 'language').catch(() => undefined) : undefined;
  const lang = pickLanguage(chosen, navigator.languages);
  await activateLanguage(lang);
  showLanguage(lang);
  return lang;
}

/** Switches language at run time: loads its catalog, shows it (the App re-renders on `onLanguageChange`), keeps the choice. */
export async function chooseLanguage(db: Db, lang: Language): Promise<void> {
  await activateLanguage(lang);
  showLanguage(lang);
  await setSetting(db, 'language', lang);
}

/** Subscribes to language changes (Lingui's `change` event); returns the unsubscribe. */
export function onLanguageChange(listener: () => void): () => void {
  return i18n.on('change', listener);
}
