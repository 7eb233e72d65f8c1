import { targetScalerOf } from '../../data/transform/target-scaler.ts';
import { getDataset } from '../../data/steps/dataset-artifact.ts';
import { defineStep, type Step } from '../../pipeline/step.ts';
import type { ArtifactRef } from '../../store/artifacts/artifact-store.ts';
import { chooseVariant, withinTolerance } from '../choose-variant.ts';
import type { CompressionPlan, PruneRequest } from '../compress-model.ts';
import { COMPRESSION_SUMMARY_FORMAT_VERSION, type CompressionSummary } from '../../evaluate/compression-summary.ts';

export type CompressParams = {
  /** `fixed`: the run's model is the variant asked for; `auto`: the smallest or fastest within tolerance. */
  readonly mode: 'fixed' | 'auto';
  readonly prune?: PruneRequest;
  readonly quantize: 'none' | 'float16' | 'int8';
  readonly tolerance: number;
  readonly prefer: 'smallest' | 'fastest';
  /** Formats saved and measured: `tfjs` always, `onnx` when the run exports it. */
  readonly formats: readonly string[];
  readonly fineTune: { readonly epochs: number; readonly batchSize: number; readonly learningRate: number };
  readonly batch: number;
  /** With `budget.minutes`: fine-tuning takes at most a tenth of it. */
  readonly budgetMinutes?: number;
  /** Written into the files where the format has room (the task's name and type). */
  readonly properties?: Readonly<Record<string, string>>;
};

type CompressInput = 'model' | 'train' | 'validation' | 'test' | 'transform';
type CompressOutput = 'model' | 'onnx' | 'summary';

export interface CompressWiring {
  readonly inputs?: Partial<Record<CompressInput, string>>;
}

/** The share of `budget.minutes` that pruning's fine-tuning may take. */
const FINE_TUNE_SHARE = 0.1;

/**
 * Step `compress`: prunes and quantizes the trained model, saves every variant in every format
 * (registries.pruners, registries.quantizers), loads each back from its files and measures it on
 * the test split (metric, size raw and gzipped, latency at batch 1 and the serving batch). Outputs
 * the chosen variant's TF.js folder (`model`) and ONNX file (`onnx`, when ONNX is among the
 * formats), and `summary` (CompressionSummary: every variant's figures and the choice).
 */
export function compressStep(params: CompressParams, wiring: CompressWiring = {}): Step<CompressInput, CompressOutput> {
  const onnx = params.formats.includes('onnx');
  return defineStep<CompressInput, CompressOutput>({
    name: 'compress',
    version: '1',
    params,
    inputs: {
      model: 'train.model',
      train: 'normalize.train',
      validation: 'normalize.validation',
      test: 'normalize.test',
      transform: 'normalize.transform',
      ...wiring.inputs,
    },
    outputs: onnx ? ['model', 'onnx', 'summary'] : ['model', 'summary'],
    description: `compress the model (${describe(params)}) and measure every variant from its saved files`,
    async run(ctx, inputs) {
      const started = performance.now();
      const [{ loadModel }, { compressModel, variantName }, { variantMetric }] = await Promise.all([
        import('../../train/model-io.ts'),
        import('../compress-model.ts'),
        import('../variant-metric.ts'),
      ]);
      await ctx.deepline.engine.start();
      const [model, train, validation, test, scaler] = await Promise.all([
        ctx.artifacts.localPath(inputs.model).then(loadModel),
        getDataset(ctx, inputs.train),
        getDataset(ctx, inputs.validation),
        getDataset(ctx, inputs.test),
        ctx.artifacts.readJson(inputs.transform).then(targetScalerOf),
      ]);
      const auto = params.mode === 'auto';
      const plan: CompressionPlan = {
        prunings: [null, ...(params.prune ? [params.prune] : [])],
        precisions: auto ? ['float32', 'float16', 'int8'] : ['float32', ...(params.quantize === 'none' ? [] : [params.quantize])],
        formats: params.formats,
        batch: params.batch,
      };
      const metric = variantMetric(test, scaler);
      const properties: Record<string, string> = { ...params.properties, target: test.target.name };
      if (test.target.kind === 'class') properties.classes = JSON.stringify(test.target.classes);
      const total = plan.prunings.length * plan.precisions.length;
      let done = 0;
      ctx.progress({ done, total, unit: 'variant' });
      let variants;
      try {
        variants = await compressModel(model, plan, {
          train,
          validation,
          test,
          metric,
          pruners: { get: (name) => ctx.deepline.registries.pruners.get(name, 'DL_TASK_FIELD') },
          quantizers: { get: (key) => ctx.deepline.registries.quantizers.get(key, 'DL_TASK_FIELD') },
          fineTune: { ...params.fineTune, ...(params.budgetMinutes !== undefined && { timeBudgetMs: params.budgetMinutes * 60_000 * FINE_TUNE_SHARE }) },
          seed: ctx.seed,
          properties,
          dir: ctx.workDir,
          signal: ctx.signal,
          onPruneStep: (request, step) => ctx.log.info({ method: request.method, step: step.step, of: step.steps, fraction: step.fraction, params: step.params, valMetric: step.valMetric }, 'pruning step fine-tuned'),
          onUnprunable: (request, error) => {
            if (!auto) return false;
            ctx.log.warn(`compress: ${error.message}; choosing among the unpruned variants`);
            return true;
          },
          onVariant: (v) => {
            ctx.progress({ done: ++done, total, unit: 'variant', message: v.name });
            ctx.log.info({ variant: v.name, artifacts: v.artifacts.map((a) => ({ format: a.format, bytes: a.bytes, metric: a.metric })) }, 'variant saved and scored');
          },
        });
      } finally {
        model.dispose();
      }
      const rule = { tolerance: params.tolerance, higherIsBetter: metric.higherIsBetter };
      const baseline = variants.find((v) => v.name === 'float32')!;
      const judged = variants.map((v) => ({ ...v, withinTolerance: withinTolerance(v, baseline, rule) }));
      const served = onnx ? 'onnx' : 'tfjs';
      const asked = variantName(params.prune ?? null, params.quantize === 'none' ? 'float32' : params.quantize);
      const choice = auto
        ? chooseVariant(judged, baseline.name, { ...rule, prefer: params.prefer, served })
        : { name: asked, reason: `asked for by the task (compress: ${describe(params)})${judged.find((v) => v.name === asked)?.withinTolerance ? '' : `; its ${metric.name} is not within ${params.tolerance} of the float model's`}` };
      const chosen = judged.find((v) => v.name === choice.name)!;
      const summary: CompressionSummary = {
        formatVersion: COMPRESSION_SUMMARY_FORMAT_VERSION,
        metric: { name: metric.name, higherIsBetter: metric.higherIsBetter },
        mode: params.mode,
        prefer: params.prefer,
        tolerance: params.tolerance,
        batch: params.batch,
        testExamples: test.n,
        servedFormat: served,
        baseline: baseline.name,
        chosen: chosen.name,
        reason: choice.reason,
        variants: judged.map(({ paths: _, ...v }) => v),
        durationMs: performance.now() - started,
      };
      const servedArtifact = chosen.artifacts.find((a) => a.format === served)!;
      ctx.log.info({ chosen: chosen.name, bytes: servedArtifact.bytes, metric: servedArtifact.metric, reason: choice.reason }, 'compressed variant chosen');
      await ctx.logMetric('compressed_bytes', servedArtifact.bytes);
      await ctx.logMetric(`compressed_${metric.name}`, servedArtifact.metric);
      await ctx.logMetric('compressed_batch_ms', servedArtifact.batchMs);
      const outputs: Partial<Record<CompressOutput, ArtifactRef>> = {
        model: await ctx.artifacts.putDir(chosen.paths.tfjs!, { move: true }),
        summary: await ctx.artifacts.putJson(summary),
      };
      if (onnx) outputs.onnx = await ctx.artifacts.putFile(chosen.paths.onnx!, { move: true });
      return outputs as Record<CompressOutput, ArtifactRef>;
    },
  });
}

/** `prune channel 50%, quantize int8` / `auto`. */
function describe(params: CompressParams): string {
  if (params.mode === 'auto') return `auto within ${params.tolerance}, ${params.prefer}`;
  const parts = [...(params.prune ? [`prune ${params.prune.method} ${Math.round(params.prune.amount * 100)}%`] : []), ...(params.quantize !== 'none' ? [`quantize ${params.quantize}`] : [])];
  return parts.join(', ');
}
