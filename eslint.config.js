// ESLint flat config. Architecture (which folder may import which) is checked by
// dependency-cruiser (.dependency-cruiser.cjs), not here.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

// Node's globals, for the plain .js/.cjs files (bin/, test/bench/, configs). TypeScript
// checks names in .ts files itself. Kept inline rather than adding the `globals` package.
const nodeGlobals = Object.fromEntries(
  [
    'AbortController',
    'AbortSignal',
    'Buffer',
    'TextDecoder',
    'TextEncoder',
    'URL',
    'URLSearchParams',
    'clearImmediate',
    'clearInterval',
    'clearTimeout',
    'console',
    'fetch',
    'performance',
    'process',
    'queueMicrotask',
    'setImmediate',
    'setInterval',
    'setTimeout',
    'structuredClone',
  ].map((name) => [name, 'readonly']),
);

// Test APIs whose `.only` / `.skip` would silently change which tests run.
const testApis = ['it', 'test', 'describe', 'suite', 'bench'];

export default defineConfig([
  globalIgnores(['dist/', 'node_modules/', 'test/fixtures/', 'coverage/', 'renderer/dist/', '.scratch/']),

  js.configs.recommended,
  // Not the type-checked preset: it needs a full program per file and would make lint slow;
  // `npm run typecheck` covers types.
  tseslint.configs.recommended,

  {
    languageOptions: { globals: nodeGlobals },
    rules: {
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
      // Off because @typescript-eslint/no-unused-vars (above) covers .js files too; keeping
      // both would report every unused name twice, and the core rule lacks the `_` options.
      'no-unused-vars': 'off',
    },
  },

  {
    // React's rules of hooks: a hook called conditionally or in a loop breaks state between
    // renders (error); an effect or callback missing a dependency shows stale data (a
    // warning, which `--max-warnings 0` still refuses). Where a dependency is left out on
    // purpose, the line says why.
    files: ['renderer/ui/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },

  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },

  {
    // The CLI writes through process.stdout / process.stderr so output is deliberate and
    // testable; a stray console.log in shipped code is a leftover.
    files: ['src/**'],
    rules: { 'no-console': 'error' },
  },

  {
    files: ['test/**', '**/*.test.ts', '**/*.spec.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...testApis.map((object) => ({
          object,
          property: 'only',
          message: 'A focused test hides every other test. Remove `.only` before committing.',
        })),
        ...testApis.map((object) => ({
          object,
          property: 'skip',
          message:
            'A bare `.skip` hides a test with no reason. Use `.skipIf(condition)` or call `ctx.skip(reason)` inside the test so the run says why.',
        })),
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: `CallExpression[callee.name=/^(${testApis.join('|')})$/] > ObjectExpression > Property[key.name=/^(only|skip)$/]`,
          message:
            'Test options `{ only }` / `{ skip }` change which tests run without saying why. Use `.skipIf(condition)` or `ctx.skip(reason)`.',
        },
      ],
    },
  },
]);
