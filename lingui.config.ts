/**
 * Lingui's catalog workflow (issue 14): messages are written in the source as English
 * (`i18n._('…')`, or `/*i18n*\/` descriptors in tables), `npm run i18n:extract` collects
 * them into `src/i18n/locales/<lang>.po` (German is edited there), and
 * `npm run i18n:compile` turns the catalogs into the TypeScript modules the app loads,
 * one per language, on demand. `npm test` fails when they drift (`scripts/i18n-check.ts`).
 */
import { defineConfig } from '@lingui/cli';
import { formatter } from '@lingui/format-po';

/** The check in `npm test` extracts and compiles into a copy elsewhere and compares. */
const catalogDir = process.env.DOORPEER_I18N_DIR ?? '<rootDir>/src/i18n/locales';

export default defineConfig({
  sourceLocale: 'en',
  locales: ['en', 'de'],
  fallbackLocales: false,
  catalogs: [
    {
      path: `${catalogDir}/{locale}`,
      include: ['<rootDir>/src/app', '<rootDir>/src/sw', '<rootDir>/src/shared', '<rootDir>/src/i18n'],
      exclude: ['**/locales/**'],
    },
  ],
  format: formatter({ lineNumbers: false, origins: true }),
  orderBy: 'messageId',
  compileNamespace: 'ts',
});
