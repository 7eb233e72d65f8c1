import { DeeplineError, isDeeplineError } from '../../errors/index.ts';
import type { Dataset, TargetInfo } from '../dataset.ts';
import type { Table } from '../table.ts';
import { columnCells } from './column-cells.ts';
import { encodeCell, encoderLookup } from './encode-cell.ts';
import type { TableTransform } from './table-transform.ts';

/**
 * The training path: a raw table (any split, or new labelled data) → the tensor-ready data set,
 * through the same per-cell code as `transformRecord`. Columns are found by name, so their
 * order in the table does not matter. A target label the training split never had is a
 * DL_DATA_TARGET naming the rows: the model has no output for it.
 */
export function applyTableTransform(t: TableTransform, table: Table): Dataset {
  const d = t.featureShape[0];
  const x = new Float32Array(table.n * d);
  let at = 0;
  for (const enc of t.columns) {
    const col = table.columns.find((c) => c.name === enc.column);
    if (!col) {
      throw new DeeplineError('DL_DATA_FORMAT', `column ${enc.column} is missing from the data; the model was trained with it`, {
        hint: `add the column ${enc.column} (empty values are imputed)`,
        location: { field: enc.column },
      });
    }
    const cells = columnCells(enc.kind, col);
    const lookup = encoderLookup(enc);
    const width = enc.features.length;
    for (let i = 0; i < table.n; i++) {
      let ok: boolean;
      try {
        ok = encodeCell(enc, cells(i), x, i * d + at, lookup);
      } catch (e) {
        throw isDeeplineError(e) ? new DeeplineError(e.code, `row ${table.sourceRows[i]}: ${e.message}`, { hint: e.hint, location: { ...e.location, row: table.sourceRows[i] } }) : e;
      }
      if (!ok) {
        throw new DeeplineError('DL_DATA_VALUE', `row ${table.sourceRows[i]}: column ${enc.column} has no value, and the transform was fitted without imputation`, {
          hint: 'fill in the value, or set prepare.impute to true and rerun',
          location: { field: enc.column, row: table.sourceRows[i] },
        });
      }
    }
    at += width;
  }
  const { y, target } = encodeTarget(t, table);
  const textEncoder = t.columns.find((c) => c.kind === 'tokens');
  return {
    n: table.n,
    featureShape: [...t.featureShape],
    x,
    y,
    target,
    featureNames: t.featureNames,
    sourceRows: table.sourceRows.slice(),
    dataVersion: table.dataVersion,
    // Token ids need an embedding sized to the vocabulary: the model builder reads it from here.
    ...(textEncoder?.kind === 'tokens' ? { tokens: { vocabSize: textEncoder.vocabulary.length } } : {}),
  };
}

function encodeTarget(t: TableTransform, table: Table): { y: Float32Array; target: TargetInfo } {
  const enc = t.target;
  const col = table.columns.find((c) => c.name === enc.column);
  if (!col) {
    throw new DeeplineError('DL_DATA_TARGET', `the target column ${enc.column} is not in the data`, {
      hint: `labelled data needs the column ${enc.column}`,
      location: { field: enc.column },
    });
  }
  const y = new Float32Array(table.n);
  const bad: string[] = [];
  const badRow = (i: number, why: string): void => {
    if (bad.length < 10) bad.push(`row ${table.sourceRows[i]} (${why})`);
    else bad.push('');
  };
  if (enc.kind === 'class') {
    const index = new Map(enc.classes.map((c, k) => [c, k] as const));
    const cells = columnCells('one-hot', col);
    for (let i = 0; i < table.n; i++) {
      const label = cells(i);
      const k = typeof label === 'string' ? index.get(label) : undefined;
      if (k !== undefined) y[i] = k;
      else badRow(i, typeof label === 'string' ? `class ${JSON.stringify(label)} not in training` : 'no value');
    }
  } else {
    const cells = columnCells('numeric', col);
    for (let i = 0; i < table.n; i++) {
      const v = cells(i) as number;
      if (Number.isFinite(v)) y[i] = (v - enc.mean) / enc.std;
      else badRow(i, 'no value');
    }
  }
  if (bad.length > 0) {
    const shown = bad.filter((b) => b !== '');
    throw new DeeplineError('DL_DATA_TARGET', `${bad.length} row(s) have a target ${enc.column} the model cannot learn from: ${shown.join(', ')}${bad.length > shown.length ? ', ...' : ''}`, {
      hint: enc.kind === 'class' ? `the training split has the classes ${enc.classes.join(', ')}; remove those rows or give training data of every class` : 'fill in or remove those rows',
      location: { field: enc.column },
    });
  }
  const target: TargetInfo = enc.kind === 'class' ? { kind: 'class', name: enc.column, classes: enc.classes } : { kind: 'numeric', name: enc.column };
  return { y, target };
}
