import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '../../../src/data/dataset.ts';
import { EXAMPLE_DATA } from '../../data/fixtures/example-data.ts';

/**
 * The 1,797 scikit-learn digits (8x8 pixels, 0–16) parsed directly, so these tests do not depend
 * on the CSV reader's behaviour. `shape` [64] gives tabular rows, [8, 8, 1] images.
 */
export function digitsDataset(shape: readonly number[] = [64]): Dataset {
  const lines = readFileSync(join(EXAMPLE_DATA, 'digits.csv'), 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',');
  const target = header.indexOf('digit');
  const n = lines.length - 1;
  const d = header.length - 1;
  const x = new Float32Array(n * d);
  const y = new Float32Array(n);
  const sourceRows = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const cells = lines[i + 1].split(',').map(Number);
    let j = 0;
    cells.forEach((v, c) => {
      if (c === target) y[i] = v;
      else x[i * d + j++] = v;
    });
    sourceRows[i] = i + 1;
  }
  return {
    n,
    featureShape: shape,
    x,
    y,
    sourceRows,
    target: { kind: 'class', name: 'digit', classes: Array.from({ length: 10 }, (_, c) => String(c)) },
  };
}
