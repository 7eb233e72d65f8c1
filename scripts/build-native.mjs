// Builds deepline's oneDNN addon (native/) with node-gyp when oneDNN's headers are installed.
// Run by `npm ci` / `npm install` (the package's install script) and by `npm run build:native`.
// It never fails the install: without oneDNN, or when the build breaks, it says so in one line
// and deepline runs on wasm.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const native = join(root, 'native');
const header = '/usr/include/oneapi/dnnl/dnnl.hpp';
const say = (line) => console.log(`deepline: ${line}`);

function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp, // set by npm for lifecycle scripts
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((path) => path && existsSync(path));
}

function main() {
  if (process.env.DEEPLINE_SKIP_NATIVE) return say('DEEPLINE_SKIP_NATIVE is set, so the native engine is not built.');
  if (!existsSync(header)) {
    return say('oneDNN is not installed, so the native engine is not built and models train on wasm. ' +
      'For native speed: apt-get install libdnnl-dev, then npm run build:native.');
  }
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) return say('node-gyp was not found, so the native engine is not built (models train on wasm).');
  const args = [nodeGyp, 'rebuild', '--directory', native, `--jobs=max`];
  // Build against this Node's own headers where they are installed, instead of downloading them.
  const prefix = dirname(dirname(process.execPath));
  if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
  const started = Date.now();
  const result = spawnSync(process.execPath, args, { cwd: native, encoding: 'utf8' });
  if (result.status === 0) {
    return say(`built the native engine (oneDNN) in ${((Date.now() - started) / 1000).toFixed(0)}s.`);
  }
  mkdirSync(join(native, 'build'), { recursive: true });
  const log = join(native, 'build', 'build-native.log');
  writeFileSync(log, `${result.stdout ?? ''}\n${result.stderr ?? ''}\n${result.error ?? ''}`);
  say(`building the native engine failed (details in ${log}); models train on wasm.`);
}

main();
