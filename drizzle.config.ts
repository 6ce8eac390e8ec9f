import { defineConfig } from 'drizzle-kit';

// Generating migrations reads only the schema; applying them is `v2v migrate`.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/index.ts',
  out: './drizzle',
});
