// A data reader for the SVMlight / LIBSVM text format, as a plugin adds one: each line is
//   <label> <index>:<value> <index>:<value> ...   # optional comment
// with 1-based feature indices in increasing order; absent features are 0. The format of
// LIBSVM's data sets and of scikit-learn's load_svmlight_file. Select it with
// `data: { format: svmlight }` and a `task` (deepline cannot look into a plugin's format).
import { readFile } from 'node:fs/promises';

/** @param {typeof import('../../src/errors/deepline-error.ts').DeeplineError} DeeplineError */
export function createSvmlightReader(DeeplineError) {
  const fail = (code, path, line, message, hint) => new DeeplineError(code, `${path}:${line} ${message}`, { hint, location: { file: path, line } });

  return {
    name: 'svmlight',
    description: 'SVMlight / LIBSVM text: a label, then index:value pairs per line (sparse, 1-based)',
    async read(source, options = {}) {
      let text;
      try {
        text = await readFile(source.path, { encoding: 'utf8', signal: options.signal });
      } catch (e) {
        if (options.signal?.aborted) throw e;
        const missing = e.code === 'ENOENT';
        throw new DeeplineError(missing ? 'DL_DATA_MISSING' : 'DL_FILE_ACCESS', `cannot read ${source.path}: ${e.code ?? e.message}`, {
          hint: missing ? "fix `data.path`; a relative path is resolved from the task file's folder" : 'check the file\'s permissions',
          location: { file: source.path },
        });
      }
      const rows = [];
      let width = 0;
      const lines = text.split(/\r?\n/);
      for (let i = 0; i < lines.length; i++) {
        const content = lines[i].replace(/#.*/, '').trim();
        if (content === '') continue;
        const [label, ...pairs] = content.split(/\s+/);
        const features = [];
        let last = 0;
        for (const pair of pairs) {
          const m = /^(\d+):(\S+)$/.exec(pair);
          if (!m) {
            if (pair.startsWith('qid:')) continue;
            throw fail('DL_DATA_FORMAT', source.path, i + 1, `expected index:value, but got "${pair}"`, 'each feature is written as index:value, e.g. 3:0.25');
          }
          const index = Number(m[1]);
          const value = Number(m[2]);
          if (index <= last) throw fail('DL_DATA_FORMAT', source.path, i + 1, `feature index ${index} is not above the one before it (${last})`, 'write the indices from 1 upwards, each once, in increasing order');
          if (!Number.isFinite(value)) throw fail('DL_DATA_VALUE', source.path, i + 1, `feature ${index} has the value "${m[2]}", which is not a number`, 'write each value as a number');
          features.push([index, value]);
          last = index;
        }
        width = Math.max(width, last);
        rows.push({ label, features, line: i + 1 });
      }
      if (rows.length === 0) {
        throw new DeeplineError('DL_DATA_FORMAT', `${source.path} holds no examples`, { hint: 'each line is a label followed by index:value pairs', location: { file: source.path } });
      }
      const limited = source.limit === undefined ? rows : rows.slice(0, source.limit);
      const n = limited.length;
      const x = new Float32Array(n * width);
      const y = new Float32Array(n);
      const sourceRows = new Int32Array(n);
      let target;
      if (source.taskKind === 'classification') {
        const found = [...new Set(limited.map((r) => r.label))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
        const classes = source.classes ?? found;
        const index = new Map(classes.map((c, k) => [c, k]));
        for (const r of limited) {
          if (!index.has(r.label)) throw fail('DL_DATA_TARGET', source.path, r.line, `the label "${r.label}" is not one of data.classes (${classes.join(', ')})`, 'add it to data.classes, or leave data.classes out');
        }
        limited.forEach((r, k) => (y[k] = index.get(r.label)));
        target = { kind: 'class', name: 'label', classes };
      } else {
        limited.forEach((r, k) => {
          const value = Number(r.label);
          if (!Number.isFinite(value)) throw fail('DL_DATA_TARGET', source.path, r.line, `the target "${r.label}" is not a number`, 'a regression task needs numeric labels');
          y[k] = value;
        });
        target = { kind: 'numeric', name: 'label' };
      }
      limited.forEach((r, k) => {
        for (const [index, value] of r.features) x[k * width + index - 1] = value;
        sourceRows[k] = r.line;
      });
      options.onProgress?.({ done: n, total: n, unit: 'rows' });
      return {
        dataset: {
          n,
          featureShape: [width],
          x,
          y,
          target,
          featureNames: Array.from({ length: width }, (_, j) => `f${j + 1}`),
          sourceRows,
        },
        warnings: limited.length < rows.length ? [`read the first ${n} of ${rows.length} examples (data limit ${source.limit})`] : [],
      };
    },
  };
}
