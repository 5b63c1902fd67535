/**
 * The service worker's language (issue 14): the one this device shows, so a push is
 * written in the receiving device's language whatever language its camera speaks. That
 * is the choice the app keeps in its `settings` store (`language`), else the browser's.
 *
 * A service worker cannot `import()`: both compiled catalogs are loaded here, statically,
 * into the same `i18n` the shared code writes its messages with.
 */
import { i18n } from '../i18n/i18n.ts';
import { pickLanguage, type Language } from '../i18n/languages.ts';
import { messages as de } from '../i18n/locales/de.ts';
import { messages as en } from '../i18n/locales/en.ts';
import { readAppSetting } from './app-db.ts';

/** The key the app keeps the chosen language under (`Settings['language']`, `src/app/db.ts`). */
export const LANGUAGE_SETTING = 'language';

/** How long a notification waits for the stored choice before it goes out in the browser's language. */
const READ_TIMEOUT_MS = 1000;

i18n.load({ en, de });

function storedLanguage(): Promise<unknown> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), READ_TIMEOUT_MS);
    void readAppSetting(LANGUAGE_SETTING)
      .catch(() => undefined)
      .then((value) => {
        clearTimeout(timer);
        resolve(value);
      });
  });
}

/**
 * Makes the device's language the active one, read afresh each time (the person may have
 * switched since the last push), and returns it.
 */
export async function activateDeviceLanguage(browserLanguages: readonly string[]): Promise<Language> {
  const lang = pickLanguage(await storedLanguage(), browserLanguages);
  i18n.activate(lang);
  return lang;
}
