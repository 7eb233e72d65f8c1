import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * The layers of src/, lowest first (docs/extending.md#layers). A module may import from its own
 * layer and the layers below it, never from one above: data flows one way, and a low layer can be
 * read, tested and reused without what is built on it. A path's layer is that of the longest
 * prefix listed here, so a few vocabulary files sit below the rest of their folder.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['errors', 'seed'],
  ['extensions', 'engine', 'render'],
  // The search's vocabulary (a space, a trial record): plain types the stores persist.
  ['search/space.ts', 'search/trial.ts'],
  ['store'],
  ['pipeline'],
  ['data'],
  ['task'],
  ['models'],
  ['train'],
  ['search'],
  ['evaluate'],
  ['compress', 'security'],
  ['deploy'],
  // What watches a deployed model: drift, prediction logs, model versions; the server writes to them.
  ['monitor', 'model-registry'],
  ['serve'],
  ['templates'],
  ['context'],
  // The dashboard's server: reads every store through the run context and the workspace.
  ['ui'],
  ['cli', 'testing', 'workers', 'index.ts'],
];

/**
 * The one import allowed upward: the run context's type. Every step receives the run context
 * (`StepContext.deepline`), so the pipeline names its type; it is erased at compile time and
 * creates no load-order dependency.
 */
const UPWARD_TYPE_IMPORTS: readonly string[] = ['context/deepline-context.ts'];

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

function layerOf(path: string): number {
  let best = -1;
  let bestLength = -1;
  LAYERS.forEach((names, layer) => {
    for (const name of names) {
      const matches = path === name || path.startsWith(`${name}/`);
      if (matches && name.length > bestLength) {
        best = layer;
        bestLength = name.length;
      }
    }
  });
  return best;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

interface Import {
  readonly from: string;
  readonly to: string;
  readonly typeOnly: boolean;
}

/** Every relative import, re-export and dynamic import of a file, as paths under src/. */
function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const from = relative(SRC, file).split('\\').join('/');
  const found: Import[] = [];
  const statement = /(?:^|\n)\s*(import|export)(\s+type)?\s[^;]*?\sfrom\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;
  for (const m of text.matchAll(statement)) {
    const spec = m[3] ?? m[4]!;
    const to = posix.normalize(posix.join(posix.dirname(from), spec));
    found.push({ from, to, typeOnly: m[2] !== undefined });
  }
  return found;
}

function upwardImports(): string[] {
  const bad: string[] = [];
  for (const file of sourceFiles(SRC)) {
    for (const imp of importsOf(file)) {
      if (imp.to.startsWith('..')) continue; // outside src (package.json): not a layer
      const [fromLayer, toLayer] = [layerOf(imp.from), layerOf(imp.to)];
      if (toLayer <= fromLayer) continue;
      if (imp.typeOnly && UPWARD_TYPE_IMPORTS.includes(imp.to)) continue;
      bad.push(`${imp.from} imports ${imp.to} (layer ${LAYERS[toLayer]!.join('/')} is above ${LAYERS[fromLayer]!.join('/')})`);
    }
  }
  return bad;
}

describe('layering of src/', () => {
  it('places every source file in a layer', () => {
    const unplaced = sourceFiles(SRC)
      .map((f) => relative(SRC, f).split('\\').join('/'))
      .filter((f) => layerOf(f) < 0);
    assert.deepEqual(unplaced, [], 'add the folder to LAYERS in test/architecture/layers.test.ts');
  });

  it('has no import from a layer above', () => {
    assert.deepEqual(upwardImports(), []);
  });

  it('catches an upward import (the check itself)', () => {
    assert.ok(layerOf('data/steps/x.ts') < layerOf('train/fit.ts'));
    assert.ok(layerOf('search/space.ts') < layerOf('store/metadata/study-store.ts'));
    assert.ok(layerOf('search/study.ts') > layerOf('store/metadata/study-store.ts'));
    const imports = importsOf(join(SRC, 'pipeline', 'step.ts'));
    assert.ok(imports.some((i) => i.to === 'context/deepline-context.ts' && i.typeOnly), 'the regex reads type imports');
  });
});
