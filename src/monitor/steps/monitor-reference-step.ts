import { getDataset } from '../../data/steps/dataset-artifact.ts';
import { loadTable, type Table } from '../../data/table.ts';
import { targetScalerOf, unscaleTarget } from '../../data/transform/target-scaler.ts';
import { defineStep, type Step } from '../../pipeline/step.ts';
import { createSeededRandom } from '../../seed/seeded-random.ts';
import { MONITOR_REFERENCE_VERSION, type MonitorReference, type ReferenceFeature } from '../reference/monitor-reference.ts';

export type MonitorReferenceParams = {
  /** Most values kept per numeric column (a seeded sample of the training split). */
  readonly maxValues?: number;
  /** Most embedding rows kept (MMD's cost grows with the square of the rows). */
  readonly maxEmbeddings?: number;
  readonly seed?: number;
};

type ReferenceInput = 'model' | 'test' | 'transform' | 'rawTrain';

export interface MonitorReferenceWiring {
  /** `rawTrain` is the raw training table (tables only): without it, no input columns are kept. */
  readonly inputs?: Partial<Record<ReferenceInput, string>>;
}

/**
 * Step `monitor-reference`: what `deepline monitor` compares production traffic with — the raw
 * training columns (tables; a seeded sample of numbers, counts of categories), the model's
 * predictions on the test split, and the model's embeddings of test examples (the input of its
 * last dense layer). Output `reference` (MonitorReference), published as monitor-reference.json.
 */
export function monitorReferenceStep(overrides: MonitorReferenceParams = {}, wiring: MonitorReferenceWiring = {}): Step<ReferenceInput, 'reference'> {
  const params = { maxValues: overrides.maxValues ?? 2000, maxEmbeddings: overrides.maxEmbeddings ?? 300, seed: overrides.seed ?? 0 };
  const inputs: Partial<Record<ReferenceInput, string>> = {
    model: wiring.inputs?.model ?? 'train.model',
    test: wiring.inputs?.test ?? 'normalize.test',
    transform: wiring.inputs?.transform ?? 'normalize.transform',
    ...(wiring.inputs?.rawTrain && { rawTrain: wiring.inputs.rawTrain }),
  };
  return defineStep<ReferenceInput, 'reference'>({
    name: 'monitor-reference',
    version: '1',
    params,
    inputs: inputs as Record<ReferenceInput, string>,
    outputs: ['reference'],
    description: 'keep the training reference that monitoring compares traffic with',
    async run(ctx, refs) {
      const [{ loadModel }, { predict }, { embeddingModel }] = await Promise.all([
        import('../../train/model-io.ts'),
        import('../../models/predict.ts'),
        import('../../models/embedding-model.ts'),
      ]);
      await ctx.deepline.engine.start();
      const random = createSeededRandom(params.seed);
      const [model, test, transform, rawTrain] = await Promise.all([
        ctx.artifacts.localPath(refs.model).then(loadModel),
        getDataset(ctx, refs.test),
        ctx.artifacts.readJson(refs.transform),
        refs.rawTrain ? ctx.artifacts.localPath(refs.rawTrain).then(loadTable) : undefined,
      ]);
      try {
        const { values, units } = await predict(model, test);
        let predictions: ReferenceFeature;
        if (test.target.kind === 'class') {
          // Counted in a Map: a class may be named like a prototype key (`__proto__`).
          const counts = new Map(test.target.classes.map((c) => [c, 0]));
          for (let i = 0; i < test.n; i++) {
            let best = 0;
            for (let c = 1; c < units; c++) if (values[i * units + c]! > values[i * units + best]!) best = c;
            const name = test.target.classes[best]!;
            counts.set(name, counts.get(name)! + 1);
          }
          predictions = { kind: 'categorical', counts: Object.fromEntries(counts) };
        } else {
          predictions = { kind: 'numeric', values: [...unscaleTarget(targetScalerOf(transform), values.filter((_, k) => k % units === 0))] };
        }

        let embedding: MonitorReference['embedding'];
        // Images, series and text: the model's own representation; plain tables are watched column by column.
        const embed = !rawTrain || (transform as { input?: string }).input === 'text' ? embeddingModel(model) : undefined;
        if (embed) {
          const picked = sampleIndices(test.n, params.maxEmbeddings, random);
          const d = test.featureShape.reduce((a, b) => a * b, 1);
          const x = new Float32Array(picked.length * d);
          picked.forEach((row, k) => x.set(test.x.subarray(row * d, (row + 1) * d), k * d));
          const out = await predict(embed, { n: picked.length, featureShape: test.featureShape, x });
          embedding = { dim: out.units, rows: picked.map((_, k) => [...out.values.subarray(k * out.units, (k + 1) * out.units)]) };
        }

        const reference: MonitorReference = {
          formatVersion: MONITOR_REFERENCE_VERSION,
          input: rawTrain ? 'table' : 'tensor',
          columns: rawTrain ? tableColumns(rawTrain, params.maxValues, random) : {},
          predictions,
          ...(embedding && { embedding }),
        };
        return { reference: await ctx.artifacts.putJson(reference) };
      } finally {
        model.dispose();
      }
    },
  });
}

/**
 * The input columns of the raw training table (not the target; text is left to the embeddings):
 * categories and booleans as counts, numbers and dates (ms since the epoch) as a sample of values.
 */
function tableColumns(table: Table, maxValues: number, random: ReturnType<typeof createSeededRandom>): Record<string, ReferenceFeature> {
  // Entries, not assignments: a column may be named `__proto__`.
  const columns: [string, ReferenceFeature][] = [];
  for (const column of table.columns) {
    if (column.name === table.target || column.type === 'text') continue;
    if (column.type === 'boolean') {
      const counts = { false: 0, true: 0 };
      for (const v of column.values) if (!Number.isNaN(v)) counts[v === 1 ? 'true' : 'false'] += 1;
      columns.push([column.name, { kind: 'categorical', counts }]);
    } else if (column.type === 'categorical') {
      const counts = column.categories.map(() => 0);
      for (const code of column.codes) if (code >= 0) counts[code]! += 1;
      columns.push([column.name, { kind: 'categorical', counts: Object.fromEntries(column.categories.map((c, k) => [c, counts[k]!])) }]);
    } else {
      const present = [...column.values].filter((v) => !Number.isNaN(v));
      columns.push([column.name, { kind: 'numeric', values: sampleIndices(present.length, maxValues, random).map((i) => present[i]!) }]);
    }
  }
  return Object.fromEntries(columns);
}

/** Up to `max` distinct indices below n, in increasing order (all of them when n ≤ max). */
function sampleIndices(n: number, max: number, random: ReturnType<typeof createSeededRandom>): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (n <= max) return all;
  return random.shuffle(all).slice(0, max).sort((a, b) => a - b);
}
