#!/usr/bin/env node
// deepline ships its TypeScript sources and runs them through tsx, so there is no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2));
// Exit explicitly: the engine's worker threads would otherwise keep the process alive.
process.exit(code);
