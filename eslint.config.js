// ESLint flat config. Type-aware rules are left out on purpose: `npm run typecheck`
// already runs the compiler, and lint stays fast enough to run on every save.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

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
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: nodeGlobals },
  },
]);
