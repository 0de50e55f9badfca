// Lint rules for Freshet. Layering (which folder may import which) is checked separately by
// dependency-cruiser (.dependency-cruiser.cjs); purity of the domain layers is checked here.
import js from '@eslint/js'
import globals from 'globals'
import reactHooks from 'eslint-plugin-react-hooks'
import tseslint from 'typescript-eslint'

const pureLayers = [
  'src/core/**',
  'src/hydro/**',
  'src/observe/**',
  'src/warn/**',
  'src/command/**',
  'src/logistics/**',
  'src/forecast/**',
  'src/notify/**',
]

export default tseslint.config(
  {
    ignores: [
      '.dependency-cruiser.cjs',
      'node_modules/**',
      'data/**',
      'bench/out/**',
      'coverage/**',
      'web/dist/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'Use an `as const` union, not an enum.' },
        { selector: 'TSModuleDeclaration[kind="namespace"]', message: 'No namespaces.' },
      ],
    },
  },
  {
    files: pureLayers,
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Use the Clock port (src/core/clock.ts).' },
        { object: 'Math', property: 'random', message: 'Use a seeded Rng (src/core/rng.ts).' },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'http', 'https', 'net', 'child_process', 'os'],
              message: 'Domain layers are pure: no I/O. Declare a port and implement it in L4.',
            },
          ],
        },
      ],
    },
  },
  {
    // The dashboard runs in the browser (its build config in Node).
    files: ['web/**/*.{ts,tsx,js}'],
    ignores: ['web/vite.config.ts'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src/**', 'node:*'],
              message:
                'The dashboard talks to the server over HTTP only; it imports no server code.',
            },
          ],
        },
      ],
    },
  },
)
