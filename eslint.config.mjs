// @ts-check
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.signal-push/', '.tools/', 'eslint.config.mjs'] },
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests read JSON answers whose shape each assertion spells out.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Workflow code is replayed deterministically in a sandbox: no I/O, no Node APIs, no env.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'http', 'https', 'net', 'crypto', 'path', 'os', 'child_process'],
              message: 'Workflows must stay deterministic: no Node built-ins.',
            },
            {
              group: ['undici', 'zod', 'express', '../src/*', '../activities/*'],
              allowTypeImports: true,
              message: 'Workflows import only @temporalio/workflow and shared types.',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'No process.env in workflows.' },
      ],
    },
  },
  {
    // Imports only go down: workflows <- activities <- service <- API and CLI.
    files: ['activities/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['../src/*', '../../src/*'], message: 'Activities must not import the service.' },
          ],
        },
      ],
    },
  },
  {
    files: [
      'src/{auth,codec,deliveries,endpoints,events,net,render,schemas,services,store,temporal,util}/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../api/*', '../../api/*', '../cli/*', '../../cli/*'],
              message: 'The service must not import the API or the CLI.',
            },
          ],
        },
      ],
    },
  },
);
