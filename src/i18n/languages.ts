/**
 * The languages Doorpeer speaks (issue 14) and which one a device shows. Pure: the
 * choice kept on the device wins, else the first of the browser's languages that
 * Doorpeer has, else English. Adding a language is one catalog file plus its code here.
 */
export const LANGUAGES = ['en', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language's own name for itself, shown in the language select whatever language is active. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', de: 'Deutsch' };

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** `de-AT` → `de`; an unknown tag → undefined. */
export function languageOf(tag: string): Language | undefined {
  const base = tag.trim().toLowerCase().split(/[-_]/)[0];
  return isLanguage(base) ? base : undefined;
}

export function pickLanguage(chosen: unknown, preferred: readonly string[]): Language {
  if (isLanguage(chosen)) return chosen;
  for (const tag of preferred) {
    const lang = languageOf(tag);
    if (lang) return lang;
  }
  return 'en';
}
