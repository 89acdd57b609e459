// @ts-check
// ESLint for the TypeScript in src/, test/, bench/ and migrations/ (issue 11), run by `npm run lint`.
// Formatting is Prettier's job and layering is dependency-cruiser's; this file is about correctness.
// Type-aware rules are left out to keep `npm test` fast; tsc already checks types before lint runs.
import js from '@eslint/js';
import comments from '@eslint-community/eslint-plugin-eslint-comments/configs';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['dist/', 'node_modules/', '.data/', '.data-*/', 'coverage/']),
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommended, comments.recommended],
    linterOptions: {
      // A disable that no longer suppresses anything hides the next real finding on that line.
      reportUnusedDisableDirectives: 'error',
    },
    rules: {
      // Every exception to a rule says why, e.g. `// eslint-disable-next-line no-control-regex -- strips C0 controls`.
      '@eslint-community/eslint-comments/require-description': 'error',
      // `_name` marks a parameter or binding kept on purpose (positional callbacks, destructuring to omit).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // `any` switches the type checker off; use `unknown` and narrow, or say why in a disable comment.
      '@typescript-eslint/no-explicit-any': 'error',
      // `== null` is the one idiomatic loose comparison (null or undefined); everything else is strict.
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // The service logs through pino (structured, levelled); console output bypasses it.
    // Command-line tools and the process entry (config errors before the logger exists, the
    // ready banner) talk to a terminal; tests and the benchmark print reports on purpose.
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**', 'src/main.ts'],
    rules: { 'no-console': 'error' },
  },
);
