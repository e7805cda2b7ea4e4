#!/usr/bin/env node
// The compiled CLI lives in dist/ (built by `npm install` through `prepare`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('handrail: the CLI is not built yet; run `npm install` (or `npm run build`) in the Handrail folder first.\n');
  process.exit(2);
}
await import(entry.href);
