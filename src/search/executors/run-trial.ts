import { augmentModalityOf, createAugmentation } from '../../train/augment/create-augmentation.ts';
import { initEngine } from '../../engine/engine.ts';
import { measureLatency } from '../../models/measure-latency.ts';
import { estimateTrainingMemoryMB } from '../../models/estimate-memory.ts';
import { buildModel } from '../../models/build-model.ts';
import { modalityOfDataset } from '../../models/modality-of-dataset.ts';
import type { FamilyRegistry } from '../../models/families/family-registry.ts';
import { taskLoss } from '../../models/losses.ts';
import { fitModel, type EpochRecord, type FitResult } from '../../train/fit.ts';
import { crossValidateTrial } from '../cross-validation/cross-validate-trial.ts';
import { createAdversarialTraining } from '../../train/adversarial/adversarial-training.ts';
import { perturbationBox } from '../../train/adversarial/perturbation-box.ts';
import { robustAccuracy } from '../../train/adversarial/robust-accuracy.ts';
import { layerSeed } from '../../seed/layer-seed.ts';
import type { DatasetCache } from './dataset-cache.ts';
import type { TrialConstraints, TrialJob, TrialObjectives, TrialProgress, TrialResult } from './trial-job.ts';

export interface RunTrialContext {
  readonly datasets: DatasetCache;
  readonly families: FamilyRegistry;
  readonly signal: AbortSignal;
  onProgress(progress: TrialProgress): void;
  /** A message for the user, such as the engine's fallback notice; default: a line on stderr. */
  onNotice?(message: string): void;
  /** Milliseconds clock; default `performance.now`. */
  readonly now?: () => number;
}

/**
 * Builds, trains and measures one trial's model on the current process's engine. Never throws:
 * an abort of `signal` gives a `stopped` result, any other error a `failed` one.
 */
export async function runTrial(job: TrialJob, ctx: RunTrialContext): Promise<TrialResult> {
  const now = ctx.now ?? (() => performance.now());
  const started = now();
  let last: EpochRecord | undefined;
  let measured: Omit<TrialObjectives, 'error'> | undefined;
  const errorOf = (record: EpochRecord, metric: 'accuracy' | 'rmse'): number => (metric === 'accuracy' ? 1 - record.valMetric : record.valMetric);
  try {
    await initEngine(job.engine, { threads: 'auto', maxThreads: job.threads ?? 1, ...(ctx.onNotice && { notify: ctx.onNotice }) });
    const sample = job.sample;
    const [train, validation] = await Promise.all([
      ctx.datasets.get(job.data.train, sample && { examples: sample.train, seed: sample.seed }),
      ctx.datasets.get(job.data.validation, sample && { examples: sample.validation, seed: sample.seed }),
    ]);
    const task = taskLoss(train.target);
    const metric = task.kind === 'class' ? 'accuracy' : 'rmse';
    const model = buildModel(job.genome, {
      inputShape: train.featureShape,
      head: task.head,
      seed: job.seed,
      families: ctx.families,
      modality: modalityOfDataset(train),
      ...(train.tokens ? { vocabSize: train.tokens.vocabSize } : {}),
    });
    try {
      // Measured before training: a forward pass costs the same whatever the weights hold, and
      // knowing it now lets every epoch report the full objective vector to a multi-objective scheduler.
      const latency = await measureLatency(model, validation, { repeats: 20, batch: 1 });
      measured = { latencyMs: latency.singleMs, params: model.countParams() };
      const fixed = measured;
      const broken = job.constraints && brokenConstraint(job.constraints, fixed, () => estimateTrainingMemoryMB(model, job.training.batchSize, job.training.optimizer).totalMB);
      if (broken) {
        return { trialId: job.trialId, state: 'rejected', rejectedFor: 'constraint', epochs: 0, error: broken, objectives: { error: Number.NaN, ...fixed }, durationMs: now() - started };
      }
      const augmentation = job.augment ? createAugmentation(job.augment, augmentModalityOf(train), job.seed) : undefined;
      const box = job.adversarial || job.constraints?.robustness ? perturbationBox(train, job.frozen ? { frozen: [...job.frozen] } : {}) : undefined;
      const adversarial = job.adversarial && createAdversarialTraining(job.adversarial, box!, layerSeed(job.seed, 0xad7));
      if (job.crossValidation) {
        const cv = await crossValidateTrial(model, train, validation, { ...job.crossValidation, ...(job.timeBudgetMs !== undefined && { timeBudgetMs: job.timeBudgetMs }) }, {
          now,
          build: (fold) => buildModel(job.genome, { inputShape: train.featureShape, head: task.head, seed: layerSeed(job.seed, fold), families: ctx.families, modality: modalityOfDataset(train), ...(train.tokens ? { vocabSize: train.tokens.vocabSize } : {}) }),
          errorOf: (fit) => errorOf(fit.history[fit.bestEpoch - 1] ?? fit.history.at(-1)!, metric),
          fit: (m, foldTrain, held, timeBudgetMs, report) =>
            fitModel(m, {
              train: foldTrain,
              validation: held,
              ...job.training,
              ...(job.classWeights ? { classWeights: job.classWeights } : {}),
              seed: job.seed,
              signal: ctx.signal,
              ...(timeBudgetMs !== undefined ? { timeBudgetMs } : {}),
              // One fold gets 1/k of the trial's time: it must fit 1/k of the first rung's epochs
              // in it, i.e. the first rung of one fold must fit in the trial's whole time.
              ...(job.minEpochs !== undefined && report ? { minEpochs: Math.max(1, Math.ceil(job.minEpochs / job.crossValidation!.folds)) } : {}),
              ...(augmentation ? { augment: augmentation } : {}),
              onEpoch(record) {
                if (!report) return;
                last = record;
                ctx.onProgress({ trialId: job.trialId, epoch: record.epoch, values: [errorOf(record, metric), fixed.latencyMs, fixed.params] });
              },
            }),
        });
        if (cv.tooSlow) return tooSlow(job, cv.tooSlow, fixed, now() - started);
        const objectives: TrialObjectives = { error: cv.error, ...fixed };
        return {
          trialId: job.trialId,
          state: 'complete',
          epochs: cv.epochs,
          bestEpoch: cv.bestEpoch,
          objectives,
          values: valuesOf(objectives),
          outOfFold: { values: Array.from(cv.outOfFold.values), units: cv.outOfFold.units },
          durationMs: now() - started,
        };
      }
      const fit = await fitModel(model, {
        train,
        validation,
        ...job.training,
        ...(job.classWeights ? { classWeights: job.classWeights } : {}),
        seed: job.seed,
        signal: ctx.signal,
        ...(job.timeBudgetMs !== undefined ? { timeBudgetMs: job.timeBudgetMs } : {}),
        ...(job.minEpochs !== undefined ? { minEpochs: job.minEpochs } : {}),
        ...(augmentation ? { augment: augmentation } : {}),
        ...(adversarial ? { adversarial } : {}),
        onEpoch(record) {
          last = record;
          const error = errorOf(record, metric);
          ctx.onProgress({ trialId: job.trialId, epoch: record.epoch, values: [error, fixed.latencyMs, fixed.params] });
        },
      });
      if (fit.reason === 'too-slow') return tooSlow(job, fit, fixed, now() - started);
      // The model holds the best epoch's weights, so that epoch's metric is the model's.
      const best = fit.history[fit.bestEpoch - 1] ?? fit.history.at(-1)!;
      const objectives: TrialObjectives = { error: errorOf(best, metric), ...fixed };
      const robustness = job.constraints?.robustness;
      if (robustness && metric === 'accuracy') {
        const robust = await robustAccuracy(model, validation, box!, { ...robustness, seed: layerSeed(job.seed, 0x5ec) });
        if (robust < robustness.minAccuracy) {
          const error = `rejected: validation accuracy under PGD at ε ${robustness.epsilon} is ${robust.toFixed(3)} < security.minRobustAccuracy ${robustness.minAccuracy}`;
          return { trialId: job.trialId, state: 'rejected', rejectedFor: 'constraint', epochs: fit.history.length, bestEpoch: fit.bestEpoch, error, objectives, durationMs: now() - started };
        }
      }
      return { trialId: job.trialId, state: 'complete', epochs: fit.history.length, bestEpoch: fit.bestEpoch, objectives, values: valuesOf(objectives), durationMs: now() - started };
    } catch (e) {
      if (!ctx.signal.aborted) throw e;
      const objectives = last && measured ? { error: errorOf(last, metric), ...measured } : undefined;
      return {
        trialId: job.trialId,
        state: 'stopped',
        epochs: last?.epoch ?? 0,
        ...(objectives ? { objectives, values: valuesOf(objectives) } : {}),
        durationMs: now() - started,
      };
    } finally {
      model.dispose();
    }
  } catch (e) {
    return { trialId: job.trialId, state: 'failed', epochs: last?.epoch ?? 0, error: (e as Error).message ?? String(e), durationMs: now() - started };
  }
}

/** A trial whose first batches project more than its time allows for its first epochs. */
function tooSlow(job: TrialJob, fit: FitResult, fixed: Omit<TrialObjectives, 'error'>, durationMs: number): TrialResult {
  const epochS = (fit.projectedEpochMs ?? 0) / 1000;
  const error = `rejected: too slow for its time: about ${epochS.toFixed(1)} s per epoch, so ${job.minEpochs} epoch(s) would overrun the trial's ${((job.timeBudgetMs ?? 0) / 1000).toFixed(0)} s`;
  return { trialId: job.trialId, state: 'rejected', rejectedFor: 'time', epochs: 0, error, objectives: { error: Number.NaN, ...fixed }, durationMs };
}

/** The first constraint a model breaks, in words, or undefined; memory is estimated only when limited. */
function brokenConstraint(limits: TrialConstraints, measured: Omit<TrialObjectives, 'error'>, memoryMB: () => number): string | undefined {
  if (limits.maxParams !== undefined && measured.params > limits.maxParams) {
    return `rejected: ${measured.params.toLocaleString('en-US')} parameters > constraints.maxParams ${limits.maxParams.toLocaleString('en-US')}`;
  }
  if (limits.maxLatencyMs !== undefined && measured.latencyMs > limits.maxLatencyMs) {
    return `rejected: latency ${measured.latencyMs.toFixed(3)} ms > constraints.maxLatencyMs ${limits.maxLatencyMs}`;
  }
  if (limits.maxMemoryMB !== undefined) {
    const mb = memoryMB();
    if (mb > limits.maxMemoryMB) return `rejected: estimated training memory ${mb.toFixed(1)} MB > constraints.maxMemoryMB ${limits.maxMemoryMB}`;
  }
  return undefined;
}

function valuesOf(o: TrialObjectives): number[] {
  return [o.error, o.latencyMs, o.params];
}
