import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset.ts';
import { featureSize } from '../data/dataset.ts';
import { DeeplineError } from '../errors/index.ts';
import { foldForInference } from './fold-for-inference.ts';
import type { CompressedVariant, VariantArtifact, VariantPruning } from '../evaluate/compression-summary.ts';
import { scoreSavedModel, timeSavedModels, type TimingOptions } from './measure-saved-model.ts';
import type { FineTuneSettings, Pruner, PruneStepRecord } from './pruners/pruner.ts';
import { quantizerKey, type Quantizer, type SavedModel } from './quantizers/quantizer.ts';
import type { VariantMetric } from './variant-metric.ts';

/** A pruning to apply: a registered pruner's name, the share it removes, its options. */
export interface PruneRequest {
  readonly method: string;
  readonly amount: number;
  readonly options?: Readonly<Record<string, unknown>>;
}

/**
 * Which variants to write and measure: each model (the float model as trained, `null`, or a
 * pruned one) at each precision, in each format.
 */
export interface CompressionPlan {
  readonly prunings: readonly (PruneRequest | null)[];
  readonly precisions: readonly string[];
  readonly formats: readonly string[];
  /** The serving batch of the second latency figure. */
  readonly batch: number;
  /** How latency is timed: rounds over every saved model, calls per round (see timeSavedModels). */
  readonly timing?: Omit<TimingOptions, 'batch'>;
}

export interface CompressionInputs {
  readonly train: Dataset;
  readonly validation: Dataset;
  readonly test: Dataset;
  readonly metric: VariantMetric;
  readonly pruners: { get(name: string): Pruner };
  readonly quantizers: { get(key: string): Quantizer };
  readonly fineTune: FineTuneSettings;
  readonly seed: number;
  /** Written into the saved files where the format has room (class names, the task). */
  readonly properties: Readonly<Record<string, string>>;
  /** Where the variants' files are written, one folder each. */
  readonly dir: string;
  readonly signal?: AbortSignal;
  /** Training examples int8 activations are calibrated on (default 256). */
  readonly calibrationExamples?: number;
  /**
   * Called when a pruner finds nothing to prune in this model (DL_COMPRESS): return true to go
   * on without that pruning (`compress: auto` tries it only where it applies), false to fail.
   */
  onUnprunable?(request: PruneRequest, error: DeeplineError): boolean;
  onPruneStep?(request: PruneRequest, step: PruneStepRecord): void;
  /** Told when a variant is saved and scored, before the latencies (timed last, all together). */
  onVariant?(variant: ScoredVariant): void;
}

/** A variant saved and scored, its latencies not yet timed. */
export interface ScoredVariant extends Omit<WrittenVariant, 'artifacts'> {
  readonly artifacts: readonly Omit<VariantArtifact, 'batch1Ms' | 'batchMs'>[];
}

/** A measured variant with where its files are, by format. */
export interface WrittenVariant extends CompressedVariant {
  readonly paths: Readonly<Record<string, string>>;
}

/** The variant's name: `float32`, `int8`, `channel-50%`, `channel-50%+int8`. */
export function variantName(pruning: PruneRequest | null, precision: string): string {
  if (!pruning) return precision;
  const pruned = `${pruning.method}-${Math.round(pruning.amount * 100)}%`;
  return precision === 'float32' ? pruned : `${pruned}+${precision}`;
}

/**
 * Writes every variant of the plan and measures it from its saved files: each pruning is run
 * once (on a copy; `model` is left as it is), then the result is saved at every precision in
 * every format, loaded back and scored on the test split; once all are saved, all are timed at
 * batch 1 and `plan.batch`, in rounds (timeSavedModels). `withinTolerance` is left false here;
 * the caller judges against the float baseline.
 */
export async function compressModel(model: tf.LayersModel, plan: CompressionPlan, inputs: CompressionInputs): Promise<WrittenVariant[]> {
  const units = Number(model.outputs[0]!.shape.at(-1) ?? 1);
  const calibration = calibrationSample(inputs.train, inputs.calibrationExamples ?? 256);
  const written: Written[] = [];
  try {
    await writeVariants(model, plan, inputs, units, calibration, written);
    const latencies = await timeSavedModels(
      written.flatMap((w) => w.saved),
      inputs.test,
      { batch: plan.batch, ...plan.timing },
    );
    let k = 0;
    return written.map((w) => ({ ...w.variant, artifacts: w.artifacts.map((a) => ({ ...a, ...latencies[k++]! })) }));
  } finally {
    for (const w of written) for (const saved of w.saved) await saved.release();
  }
}

/** A variant being written: what is known of it, and its saved forms, open for the timing. */
interface Written {
  readonly variant: Omit<WrittenVariant, 'artifacts'>;
  readonly artifacts: Omit<VariantArtifact, 'batch1Ms' | 'batchMs'>[];
  readonly saved: SavedModel[];
}

async function writeVariants(
  model: tf.LayersModel,
  plan: CompressionPlan,
  inputs: CompressionInputs,
  units: number,
  calibration: Pick<Dataset, 'n' | 'featureShape' | 'x'>,
  written: Written[],
): Promise<void> {
  for (const request of plan.prunings) {
    inputs.signal?.throwIfAborted();
    let pruned: tf.LayersModel = model;
    let pruning: VariantPruning | undefined;
    if (request) {
      const pruner = inputs.pruners.get(request.method);
      const result = await pruner
        .prune(model, request.amount, request.options ?? {}, {
          train: inputs.train,
          validation: inputs.validation,
          seed: inputs.seed,
          fineTune: inputs.fineTune,
          ...(inputs.signal && { signal: inputs.signal }),
          onStep: (step) => inputs.onPruneStep?.(request, step),
        })
        .catch((e: unknown) => {
          if (e instanceof DeeplineError && e.code === 'DL_COMPRESS' && inputs.onUnprunable?.(request, e)) return undefined;
          throw e;
        });
      if (!result) continue;
      pruned = result.model;
      pruning = { method: request.method, amount: request.amount, summary: result.summary, sparsity: result.sparsity, steps: result.steps };
    }
    // What is saved computes the same function with batch norms and activations folded into the layer before them.
    const folded = await foldForInference(pruned);
    try {
      for (const precision of plan.precisions) {
        const name = variantName(request, precision);
        const paths: Record<string, string> = {};
        const entry: Written = { variant: { name, precision, ...(pruning && { pruning }), params: pruned.countParams(), withinTolerance: false, paths }, artifacts: [], saved: [] };
        written.push(entry);
        for (const format of plan.formats) {
          inputs.signal?.throwIfAborted();
          const quantizer = inputs.quantizers.get(quantizerKey(format, precision));
          const folder = join(inputs.dir, name.replace(/[^A-Za-z0-9._+-]/g, '_'));
          await mkdir(folder, { recursive: true });
          const path = join(folder, quantizer.fileName);
          await quantizer.write(folded, path, { calibration, properties: inputs.properties });
          const saved = await quantizer.open(path, inputs.test.featureShape).catch((e: unknown) => {
            throw new DeeplineError('DL_COMPRESS', `the ${format} ${precision} model written to ${path} does not load back: ${(e as Error).message}`, {
              hint: 'this is a bug in the compression of this model: report it with the model; the float model is unaffected',
              cause: e,
            });
          });
          // Kept open for the timing at the end, and released there.
          entry.saved.push(saved);
          const score = await scoreSavedModel(saved, path, inputs.test, { units, score: inputs.metric.score });
          entry.artifacts.push({ format, fileName: quantizer.fileName, ...score, runtime: saved.runtime });
          paths[format] = path;
        }
        inputs.onVariant?.({ ...entry.variant, artifacts: entry.artifacts });
      }
    } finally {
      if (folded !== pruned) folded.dispose();
      if (pruned !== model) pruned.dispose();
    }
  }
}

/** Up to `n` training examples spread evenly over the split, for calibrating int8 activations. */
function calibrationSample(train: Dataset, n: number): Pick<Dataset, 'n' | 'featureShape' | 'x'> {
  const take = Math.min(n, train.n);
  const d = featureSize(train);
  const x = new Float32Array(take * d);
  for (let i = 0; i < take; i++) {
    const j = Math.floor((i * train.n) / take);
    x.set(train.x.subarray(j * d, (j + 1) * d), i * d);
  }
  return { n: take, featureShape: train.featureShape, x };
}
