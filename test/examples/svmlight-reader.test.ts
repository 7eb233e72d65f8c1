import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DeeplineError } from '../../src/errors/index.ts';
import { readerConformance } from '../../src/testing/reader-conformance.ts';
// @ts-expect-error: the example plugin is plain JavaScript, without type declarations
import { createSvmlightReader } from '../../examples/plugins/svmlight-reader.js';
import type { DataReader } from '../../src/data/readers/data-reader.ts';

// The example plugin's reader passes the same contract as deepline's own readers.
const reader = createSvmlightReader(DeeplineError) as DataReader;

readerConformance('svmlight (examples/plugins)', reader, {
  async write(dir) {
    const path = join(dir, 'small.svm');
    // Sparse rows (absent features are 0), a comment, a blank line and a qid that is ignored.
    await writeFile(path, '# four flowers\nb 1:0.5 3:2\na 2:1.5\n\nb qid:3 1:1 2:2 3:3\na 3:-1 # last\n');
    return {
      source: { path, format: 'svmlight', taskKind: 'classification' },
      dataset: {
        featureShape: [3],
        examples: [
          [0.5, 0, 2],
          [0, 1.5, 0],
          [1, 2, 3],
          [0, 0, -1],
        ],
        targets: [1, 0, 1, 0],
        target: { kind: 'class', name: 'label', classes: ['a', 'b'] },
      },
    };
  },
  async writeBroken(dir) {
    const path = join(dir, 'broken.svm');
    await writeFile(path, 'a 1:0.5 2:1\nb 2:1 1:0.5\n');
    return { source: { path, format: 'svmlight', taskKind: 'classification' }, file: path };
  },
});
