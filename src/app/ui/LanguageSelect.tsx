import { useDevice } from './hooks.ts';
import { chooseLanguage } from '../language.ts';
import { activeLanguage, i18n } from '../../i18n/i18n.ts';
import { LANGUAGES, LANGUAGE_NAMES, isLanguage } from '../../i18n/languages.ts';

/**
 * The language this device shows (issue 14), on every device's settings. Each language
 * is named in itself ("Deutsch", "English"), so a person who cannot read the current
 * one still finds theirs. The change shows at once, without a reload.
 */
export function LanguageSelect() {
  const device = useDevice();
  return (
    <label class="language-select">
      {i18n._('Language')}{' '}
      <select
        data-testid="language-select"
        value={activeLanguage()}
        onChange={(e) => {
          const lang = e.currentTarget.value;
          if (isLanguage(lang)) void chooseLanguage(device.db, lang);
        }}
      >
        {LANGUAGES.map((lang) => (
          <option key={lang} value={lang} lang={lang}>
            {LANGUAGE_NAMES[lang]}
          </option>
        ))}
      </select>
    </label>
  );
}
