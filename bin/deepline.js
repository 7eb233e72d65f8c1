#!/usr/bin/env node
// Runs the JavaScript compiled from src/ into dist/ (`npm run build`; `npm ci` builds it through
// the prepare script). Development and tests run the TypeScript sources through tsx instead.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/deepline.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('error[DL_USAGE]: deepline is not built: dist/cli/deepline.js is missing\n  hint: run `npm run build` in the deepline folder (`npm ci` builds it too)\n');
  process.exit(2);
}
await import(entry.href);
