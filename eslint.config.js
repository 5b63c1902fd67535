// ESLint flat config. Type-aware rules are left out on purpose: `npm run typecheck`
// already runs the compiler, and lint stays fast enough to run on every save.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';
import lingui from 'eslint-plugin-lingui';

/**
 * Globals for the few plain `.js` files (this one, and any Node script). TypeScript
 * files do not need them: typescript-eslint turns `no-undef` off there because the
 * compiler checks names itself. Listed by hand rather than pulling in the `globals`
 * package for half a dozen names.
 */
const nodeGlobals = {
  console: 'readonly',
  process: 'readonly',
  URL: 'readonly',
  Buffer: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
};

export default defineConfig([
  globalIgnores([
    'dist/',
    'dev-dist/',
    'node_modules/',
    'test-results/',
    'playwright-report/',
    'public/',
    'tests/fixtures/',
    // Compiled catalogs (`npm run i18n:compile`), checked by `npm run i18n:check` instead.
    'src/i18n/locales/',
  ]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // Logging goes through typed errors and the UI in the app; stray console calls are debug leftovers.
      'no-console': 'warn',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
        },
      ],
    },
  },
  {
    // Command-line tools and tests talk to a terminal: console is their output.
    files: ['signaling/**', 'scripts/**', 'bench/**', 'drill/**', 'tests/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // Issue 14: every word a person reads goes through the catalogs (`i18n._('…')`). Text
    // in screens and in the modules that write notifications or errors is checked here;
    // code words (class names, test IDs, event types, CSS values) are told apart below. An
    // access-log `reason` is data: stored as a fixed English phrase, worded by the reader
    // (`src/app/access-log.ts`, `AccessLogView`).
    files: [
      'src/app/**/*.tsx',
      'src/app/errors.ts',
      'src/app/alerts/notify.ts',
      'src/app/doorbell/service.ts',
      'src/app/door-lock/viewer-reports.ts',
      'src/shared/health-text.ts',
      'src/shared/push-payload.ts',
      'src/sw/**/*.ts',
    ],
    plugins: { lingui },
    rules: {
      'lingui/no-unlocalized-strings': [
        'error',
        {
          ignore: [
            // One word with no space and no capital letter: an identifier, class or key.
            '^[a-z0-9][a-zA-Z0-9_.:/#?=&%*-]*$',
            // Kebab or snake case, URLs, CSS values.
            '^[a-z0-9-]+( [a-z0-9-]+)*$',
            '^(https?:|/|#|\\.)',
            '^[A-Z0-9_]+$',
            // The product's name, the same in every language; data: URLs.
            '^Doorpeer$',
            '^data:',
          ],
          ignoreNames: [
            {
              regex: {
                pattern:
                  '^(class|className|style|type|id|key|href|src|rel|name|role|for|htmlFor|target|method|accept|autocomplete|autoComplete|inputMode|inputmode|pattern|lang|dir|kind|mode|code|event|variant|tone|width|height|viewBox|d|fill|stroke|testid|state|data-.*|aria-live|aria-hidden|aria-current|aria-pressed|aria-expanded|aria-controls|aria-describedby|aria-labelledby|enterKeyHint|enterkeyhint|capture|preload|reason|playsInline|crossOrigin|loading|decoding|sizes|media)$',
              },
            },
          ],
          ignoreFunctions: [
            'i18n._',
            'console.*',
            'Error',
            'AppError',
            'TypeError',
            'navigate',
            'addEventListener',
            'removeEventListener',
            '*.addEventListener',
            '*.removeEventListener',
            '*.on',
            '*.off',
            '*.emit',
            'document.querySelector',
            'document.createElement',
            '*.getItem',
            '*.setItem',
            'new URL',
            'URL',
            'useRemoteSetting',
            'readSetting',
            'writeSetting',
            'fetch',
            // Schema messages are for logs and tests, not people.
            '*.regex',
            'z.*',
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: nodeGlobals },
  },
]);
