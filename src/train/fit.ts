import * as tf from '@tensorflow/tfjs';
import type { AdversarialBatch } from './adversarial/adversarial-training.ts';
import type { BatchAugment } from './augment/batch-augment.ts';
import { featureSize, type Dataset } from '../data/dataset.ts';
import { createSeededRandom } from '../seed/seeded-random.ts';
import { DeeplineError } from '../errors/index.ts';
import { layerSeed } from '../seed/layer-seed.ts';
import { taskLoss, type TaskLoss } from '../models/losses.ts';
import type { FitOptimizer, LearningRateSchedule } from '../models/training-recipe.ts';
import { nativeThreadTuner } from '../engine/native/native-threads.ts';
import { NATIVE_BACKEND, NativeBackend } from '../engine/native/native-backend.ts';
import { compileMlpTrainingPlan, type MlpTrainingPlan } from '../engine/native/mlp-training-plan.ts';
import { batchTensors } from './batch-tensors.ts';

export interface EpochRecord {
  /** 1-based. */
  readonly epoch: number;
  readonly loss: number;
  readonly valLoss: number;
  /** Validation accuracy (classification) or RMSE in the targets' units as given (regression). */
  readonly valMetric: number;
  /** Wall time of this epoch, validation included. */
  readonly ms: number;
  /** Set when the time budget ran out during this epoch: it saw only part of the training set. */
  readonly partial?: true;
}

/**
 * Why training stopped: all epochs ran, patience ran out, the time budget was spent, the loss
 * became NaN/Infinity, or the budget could not hold `minEpochs` epochs (see FitOptions.minEpochs).
 */
export type StopReason = 'max-epochs' | 'early-stopping' | 'time-budget' | 'diverged' | 'too-slow';

export interface FitOptions {
  readonly train: Dataset;
  readonly validation: Dataset;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Epochs without a lower validation loss before stopping (as in Keras: 0 stops at the first). */
  readonly patience: number;
  /** Fixes the example order and the dropout masks. */
  readonly seed: number;
  /** Stop after the epoch during which this much time has passed since the start. */
  readonly timeBudgetMs?: number;
  /**
   * With `timeBudgetMs`: the fewest epochs the budget must hold for the training to be worth
   * starting. The first few batches are timed; when that many epochs (validation included) are
   * projected to overrun the budget, training stops at once with reason 'too-slow'.
   */
  readonly minEpochs?: number;
  /** Loss weight per class index (classification only). */
  readonly classWeights?: readonly number[];
  /** Smallest decrease of the validation loss that counts as an improvement. */
  readonly minDelta?: number;
  onEpoch?(record: EpochRecord, epochs: number): void | Promise<void>;
  /** Checked between batches; an abort throws and leaves the model's weights unspecified. */
  readonly signal?: AbortSignal;
  /** Milliseconds clock, injectable for tests. */
  readonly now?: () => number;
  /**
   * Transforms the inputs of every training batch (augmentation, see createAugmentation), with
   * the epoch and the batch's index in it. Validation batches never pass through it.
   */
  readonly augment?: BatchAugment;
  /**
   * Adversarial training (classification): every training batch, after augmentation, is replaced
   * by adversarial examples of the model as it stands (createAdversarialTraining), and validation
   * is measured on adversarial examples of the validation split too (the same attack, the same
   * random starts every epoch): early stopping and the best epoch then follow robustness, which
   * the clean loss would trade away (it is lowest before the model learns to resist; Rice et al.
   * 2020), and `valLoss`/`valMetric` are figures under attack.
   */
  readonly adversarial?: AdversarialBatch;
  /** Default 'adam'; 'sgd' is SGD with momentum 0.9; 'rmsprop' is tfjs's (decay 0.9, no momentum). */
  readonly optimizer?: FitOptimizer;
  /**
   * Decoupled weight decay (AdamW-style), default 0: after every optimizer step each kernel
   * w ← w − learningRate·weightDecay·w. Biases, batch-norm and embedding weights are never decayed.
   */
  readonly weightDecay?: number;
  /**
   * 'constant' (the default) keeps `learningRate`; 'cosine' anneals it (and the weight decay
   * with it) from `learningRate` to 0 along a half cosine over the training, whose progress is
   * the larger of the steps done of `epochs` and the time spent of `timeBudgetMs`: a training
   * that the budget will cut short still ends on a small learning rate.
   */
  readonly schedule?: LearningRateSchedule;
  /**
   * Runs after every optimizer step (and the weight decay), inside the training loop: how
   * compression keeps pruned weights at zero while the rest are fine-tuned.
   */
  readonly afterStep?: () => void;
}

const OPTIMIZERS: readonly FitOptimizer[] = ['adam', 'sgd', 'rmsprop'];

export interface FitResult {
  readonly history: EpochRecord[];
  /** The epoch whose weights the model holds afterwards (0 when no epoch improved on the start). */
  readonly bestEpoch: number;
  readonly stoppedEarly: boolean;
  readonly reason: StopReason;
  readonly metricName: 'accuracy' | 'rmse';
  readonly durationMs: number;
  /** With `minEpochs`: one epoch's time, validation included, as projected from the first batches. */
  readonly projectedEpochMs?: number;
  /** `adversarial`: validation loss and metric were measured under attack (adversarial training). */
  readonly validatedOn?: 'adversarial';
  /** Set when the native engine's compiled training step (mlp-training-plan.ts) ran the steps instead of TF.js's optimizer. */
  readonly compiledStep?: true;
}

/**
 * Trains `model` in place with the chosen optimizer (Adam by default) on the task's loss:
 * deterministic order from the seed, early stopping on validation loss, and in every case the
 * weights of the best validation epoch restored at the end. Every tensor it creates is disposed, so only the model's own weights remain.
 */
export async function fitModel(model: tf.LayersModel, options: FitOptions): Promise<FitResult> {
  const { train, validation, epochs, batchSize, patience, seed } = options;
  const task = taskLoss(train.target);
  checkOptions(model, options, task);
  const now = options.now ?? (() => performance.now());
  const started = now();
  const optimizer = createOptimizer(options.optimizer ?? 'adam', options.learningRate);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const decay = weightDecayStep(model, options.weightDecay ?? 0);
  const totalSteps = epochs * Math.ceil(train.n / batchSize);
  // The learning rate of the step about to run, which the weight decay scales with (AdamW).
  const learningRateAt = (stepsDone: number): number => {
    if (options.schedule !== 'cosine') return options.learningRate;
    const byTime = options.timeBudgetMs !== undefined ? (now() - started) / options.timeBudgetMs : 0;
    const progress = Math.min(1, Math.max(stepsDone / totalSteps, byTime));
    return options.learningRate * 0.5 * (1 + Math.cos(Math.PI * progress));
  };
  const dropouts = dropoutLayers(model);
  const minDelta = options.minDelta ?? 0;
  const history: EpochRecord[] = [];
  let best = snapshot(model);
  let bestLoss = Infinity;
  let bestEpoch = 0;
  let sinceBest = 0;
  let reason: StopReason = 'max-epochs';
  let step = 0;
  const probe = options.minEpochs !== undefined && options.timeBudgetMs !== undefined ? epochProbe(options, train.n, validation.n, started) : undefined;
  let probed: ProbeVerdict | undefined;
  // On the native engine with `auto` threads, the first batches also choose the thread count.
  const tuner = tf.getBackend() === NATIVE_BACKEND ? nativeThreadTuner() : undefined;
  const plan = trainingPlan(model, options, task);
  /** One step through TF.js's optimizer on examples `start..end` of `order`; the batch's mean loss. */
  const tfjsStep = async (start: number, end: number, order: Uint32Array, epoch: number): Promise<number> => {
    setDropoutSeeds(dropouts, layerSeed(seed, 1_000_000 + step++));
    const batch = batchTensors(train, start, end, order, options.classWeights);
    let x = batch.x;
    try {
      if (options.augment) x = augmented(options.augment, batch.x, { epoch, batch: start / batchSize });
      if (options.adversarial) {
        const clean = x;
        x = options.adversarial(model, clean, batch.y, { epoch, batch: start / batchSize });
        if (clean !== batch.x) clean.dispose();
      }
      const learningRate = learningRateAt(step - 1);
      if (options.schedule === 'cosine') setLearningRate(optimizer, learningRate);
      const cost = optimizer.minimize(
        () => task.loss(batch.y, model.apply(x, { training: true }) as tf.Tensor, batch.w),
        true,
        variables,
      ) as tf.Scalar;
      decay?.(learningRate);
      options.afterStep?.();
      const value = (await cost.data())[0]!;
      cost.dispose();
      return value;
    } finally {
      tf.dispose([batch.x, batch.y]);
      if (x !== batch.x) x.dispose();
      batch.w?.dispose();
    }
  };
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const epochStart = now();
      const order = createSeededRandom(layerSeed(seed, epoch)).shuffle(identity(train.n));
      let lossSum = 0;
      let seen = 0;
      let partial = false;
      for (let start = 0; start < train.n; start += batchSize) {
        options.signal?.throwIfAborted();
        // A budget is a limit, not a target: an epoch longer than the time left is cut short
        // (validated and recorded as partial) rather than overrunning by a whole epoch.
        if (seen > 0 && options.timeBudgetMs !== undefined && now() - started >= options.timeBudgetMs) {
          if (probe && epoch === 1 && !probed) {
            probed = probe.cut(now());
            break;
          }
          partial = true;
          break;
        }
        const end = Math.min(train.n, start + batchSize);
        // A last batch of one example gives batch norm a zero variance; it is skipped this epoch.
        if (end - start === 1 && train.n > 1) break;
        tuner?.beforeBatch();
        const batchStart = performance.now();
        let value: number;
        if (plan) {
          fillBatch(plan, train, start, end, order, options.classWeights);
          value = plan.step(end - start, learningRateAt(step++));
        } else {
          value = await tfjsStep(start, end, order, epoch);
        }
        tuner?.afterBatch(performance.now() - batchStart);
        lossSum += value * (end - start);
        seen += end - start;
        if (probe && epoch === 1 && !probed) {
          probed = probe.afterBatch(now());
          if (probed?.tooSlow) break;
        }
      }
      if (probed?.tooSlow) {
        reason = 'too-slow';
        break;
      }
      plan?.sync();
      const val = await evaluateSplit(model, validation, task, Math.max(batchSize, 256), options.adversarial);
      const record: EpochRecord = { epoch, loss: lossSum / seen, valLoss: val.loss, valMetric: val.metric, ms: now() - epochStart, ...(partial && { partial: true as const }) };
      history.push(record);
      await options.onEpoch?.(record, epochs);
      if (!Number.isFinite(record.loss) || !Number.isFinite(record.valLoss)) {
        reason = 'diverged';
        break;
      }
      if (record.valLoss < bestLoss - minDelta) {
        tf.dispose(best);
        best = snapshot(model);
        bestLoss = record.valLoss;
        bestEpoch = epoch;
        sinceBest = 0;
      } else if (++sinceBest >= patience) {
        reason = 'early-stopping';
        break;
      }
      if (options.timeBudgetMs !== undefined && now() - started >= options.timeBudgetMs) {
        reason = 'time-budget';
        break;
      }
      // Let timers and signal handlers (progress output, Ctrl-C) run between epochs.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    model.setWeights(best);
  } finally {
    tf.dispose(best);
    disposeOptimizer(optimizer);
    setDropoutSeeds(dropouts, undefined);
  }
  return {
    history,
    bestEpoch,
    stoppedEarly: reason !== 'max-epochs',
    reason,
    metricName: task.kind === 'class' ? 'accuracy' : 'rmse',
    durationMs: now() - started,
    ...(probed !== undefined && { projectedEpochMs: probed.epochMs }),
    ...(options.adversarial && { validatedOn: 'adversarial' as const }),
    ...(plan && { compiledStep: true as const }),
  };
}

/**
 * The compiled training step where the model, the engine and the options allow it (the native
 * engine, a dense network, no augmentation, adversarial examples or per-step hook); otherwise
 * TF.js's optimizer runs each step. DEEPLINE_TRAINING_PLAN=0 turns it off (to compare, or to rule
 * it out). It makes a small table's trials ~3x cheaper; the default small-data search is timed,
 * and was shortened with it (SMALL_DATA.searchMs, 40 → 20 s) rather than left to run ~2.5x more
 * trials and pick its winner among more noisy cross-validated scores.
 */
function trainingPlan(model: tf.LayersModel, options: FitOptions, task: TaskLoss): MlpTrainingPlan | undefined {
  if (process.env.DEEPLINE_TRAINING_PLAN === '0' || options.augment || options.adversarial || options.afterStep) return undefined;
  const backend = tf.backend();
  if (!(backend instanceof NativeBackend)) return undefined;
  const compiled = compileMlpTrainingPlan(model, backend.addon, {
    optimizer: options.optimizer ?? 'adam',
    loss: task.name,
    weightDecay: options.weightDecay ?? 0,
    batchSize: Math.min(options.batchSize, options.train.n),
    seed: options.seed,
  });
  return 'unsupported' in compiled ? undefined : compiled;
}

/** Copies examples `start..end` of `order` into the plan's batch arrays. */
function fillBatch(plan: MlpTrainingPlan, ds: Dataset, start: number, end: number, order: Uint32Array, classWeights: readonly number[] | undefined): void {
  const d = featureSize(ds);
  for (let i = 0; i < end - start; i++) {
    const j = order[start + i]!;
    plan.x.set(ds.x.subarray(j * d, (j + 1) * d), i * d);
    plan.y[i] = ds.y[j]!;
    plan.w[i] = classWeights ? (classWeights[ds.y[j]!] ?? 1) : 1;
  }
}

interface ProbeVerdict {
  readonly epochMs: number;
  readonly tooSlow: boolean;
}

interface EpochProbe {
  /** After each batch of the first epoch; a verdict once the probe batches are timed. */
  afterBatch(at: number): ProbeVerdict | undefined;
  /** When the time budget ends the first epoch before a verdict: it could not hold one epoch. */
  cut(at: number): ProbeVerdict;
}

/**
 * Times the first batches of the first epoch. The first batch is left out of the rate (kernels
 * and memory warm up in it); after it, up to 4 more give the time per batch. Validation is a
 * forward pass, about a third of a training batch per batch of examples. Gives one verdict.
 *
 * A "too slow" from that window is confirmed on a second one (when the epoch has the batches)
 * and the faster window's rate decides: trials that share a machine slow each other down in
 * bursts (another worker starting its engine, loading data, measuring latency), and contention
 * only ever adds time, so the faster window is the closer to what the model costs. Without it,
 * parallel trials were rejected for the other trials' start-up.
 */
function epochProbe(options: FitOptions, trainN: number, validationN: number, started: number): EpochProbe {
  const batches = Math.ceil(trainN / options.batchSize);
  const validationBatches = Math.ceil(validationN / options.batchSize) / 3;
  const timed = Math.min(4, batches - 1);
  const confirm = batches - 1 >= 2 * timed ? timed : 0;
  let done = 0;
  let firstEnd = 0;
  let windowEnd = 0;
  let firstRate = Infinity;
  let decided = false;
  const project = (at: number, perBatch: number): ProbeVerdict => {
    const epochMs = perBatch * (batches + validationBatches);
    // What is spent so far plus the rest of minEpochs epochs.
    const projected = at - started + epochMs * options.minEpochs! - perBatch * done;
    return { epochMs, tooSlow: projected > options.timeBudgetMs! };
  };
  const decide = (verdict: ProbeVerdict): ProbeVerdict => {
    decided = true;
    return verdict;
  };
  return {
    afterBatch(at) {
      done++;
      if (decided) return undefined;
      if (done === 1) firstEnd = at;
      if (timed < 1 || done < 1 + timed) return undefined;
      if (done === 1 + timed) {
        firstRate = (at - firstEnd) / timed;
        windowEnd = at;
        const verdict = project(at, firstRate);
        return !verdict.tooSlow || confirm === 0 ? decide(verdict) : undefined;
      }
      if (done < 1 + timed + confirm) return undefined;
      return decide(project(at, Math.min(firstRate, (at - windowEnd) / confirm)));
    },
    cut(at) {
      return { epochMs: ((at - started) / Math.max(1, done)) * (batches + validationBatches), tooSlow: true };
    },
  };
}

function createOptimizer(name: FitOptimizer, learningRate: number): tf.Optimizer {
  switch (name) {
    case 'adam':
      return tf.train.adam(learningRate);
    case 'sgd':
      return tf.train.momentum(learningRate, 0.9);
    case 'rmsprop':
      return tf.train.rmsprop(learningRate);
  }
}

/**
 * tfjs's MomentumOptimizer.dispose skips the learning-rate scalar its SGD parent keeps (`c`),
 * which would leak one tensor per fit; disposing a tensor twice is harmless.
 */
function disposeOptimizer(optimizer: tf.Optimizer): void {
  optimizer.dispose();
  // By class name: tfjs's Optimizer[Symbol.hasInstance] makes every optimizer an `instanceof` any other.
  if (optimizer.getClassName() === 'Momentum') (optimizer as unknown as { c?: tf.Tensor }).c?.dispose();
}

/**
 * The decoupled decay step, or undefined when there is none. Only kernels (dense, conv,
 * recurrent, depthwise and pointwise) shrink: decaying a bias or a batch-norm scale pulls it
 * towards a value with no meaning, and an embedding row would shrink on every step while it is
 * absent from the batch. tfjs names duplicate weights `…/kernel_1`, hence the optional suffix.
 */
function weightDecayStep(model: tf.LayersModel, weightDecay: number): ((learningRate: number) => void) | undefined {
  if (weightDecay === 0) return undefined;
  const kernels = model.trainableWeights.filter((w) => /kernel(_\d+)?$/.test(w.name)).map((w) => w.read() as tf.Variable);
  return (learningRate) =>
    tf.tidy(() => {
      const keep = 1 - learningRate * weightDecay;
      for (const v of kernels) v.assign(tf.mul(v, keep));
    });
}

/** Sets the learning rate of the next step (SGD keeps it as a tensor, the others as a number). */
function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  const target = optimizer as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
  if (optimizer.getClassName() === 'Momentum') target.setLearningRate!(learningRate);
  else target.learningRate = learningRate;
}

/** Runs the augmentation in its own scope, so intermediates it forgets to dispose are freed anyway. */
function augmented(augment: BatchAugment, x: tf.Tensor, ctx: { epoch: number; batch: number }): tf.Tensor {
  const out = tf.tidy(() => augment(x, ctx));
  if (out.shape.length !== x.shape.length || out.shape.some((v, i) => v !== x.shape[i])) {
    if (out !== x) out.dispose();
    throw new DeeplineError('DL_STEP_FAILED', `augmentation changed the batch shape from [${x.shape.join(', ')}] to [${out.shape.join(', ')}]`, {
      hint: 'an augmenter must return a batch of the shape it was given',
    });
  }
  return out;
}

function identity(n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

/** Loss and metric on a split; with `adversarial`, on its adversarial examples (epoch 0's random starts, every time). */
async function evaluateSplit(model: tf.LayersModel, ds: Dataset, task: TaskLoss, batchSize: number, adversarial?: AdversarialBatch): Promise<{ loss: number; metric: number }> {
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < ds.n; start += batchSize) {
    const end = Math.min(ds.n, start + batchSize);
    const sums = tf.tidy(() => {
      const batch = batchTensors(ds, start, end);
      const x = adversarial ? adversarial(model, batch.x, batch.y, { epoch: 0, batch: start / batchSize }) : batch.x;
      const p = model.apply(x, { training: false }) as tf.Tensor;
      const loss = tf.mul(task.loss(batch.y, p), end - start);
      const hits = task.kind === 'class' ? tf.sum(tf.cast(tf.equal(tf.argMax(p, -1), tf.cast(batch.y, 'int32')), 'float32')) : tf.scalar(0);
      return tf.stack([loss, hits]);
    });
    const [l, h] = await sums.data();
    sums.dispose();
    lossSum += l;
    correct += h;
  }
  const loss = lossSum / ds.n;
  return { loss, metric: task.kind === 'class' ? correct / ds.n : Math.sqrt(loss) };
}

/** Copies of all weights (batch-norm statistics included); variables get new buffers on update. */
function snapshot(model: tf.LayersModel): tf.Tensor[] {
  return model.getWeights().map((w) => tf.clone(w));
}

interface SeedableDropout {
  seed?: number;
}

function dropoutLayers(model: tf.LayersModel): SeedableDropout[] {
  const found: SeedableDropout[] = [];
  const visit = (layers: tf.layers.Layer[]): void => {
    for (const layer of layers) {
      if (layer.getClassName() === 'Dropout') found.push(layer as unknown as SeedableDropout);
      if (layer instanceof tf.LayersModel) visit(layer.layers);
    }
  };
  visit(model.layers);
  return found;
}

/**
 * tfjs's Dropout draws its mask from `seed` on every call: unseeded it uses Math.random (not
 * repeatable), seeded once it repeats the same mask every batch. So each training step gets
 * fresh seeds derived from the fit's seed, and the layers are unseeded again afterwards.
 */
function setDropoutSeeds(layers: SeedableDropout[], seed: number | undefined): void {
  layers.forEach((layer, i) => {
    layer.seed = seed === undefined ? undefined : layerSeed(seed, i);
  });
}

function checkOptions(model: tf.LayersModel, o: FitOptions, task: TaskLoss): void {
  const bad = (what: string): never => {
    throw new DeeplineError('DL_STEP_FAILED', `cannot train: ${what}`, { hint: 'check the training parameters of the task file' });
  };
  if (!Number.isInteger(o.epochs) || o.epochs < 1) bad(`epochs must be a whole number >= 1, but got ${o.epochs}`);
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) bad(`batchSize must be a whole number >= 1, but got ${o.batchSize}`);
  if (!(o.learningRate > 0)) bad(`learningRate must be > 0, but got ${o.learningRate}`);
  if (o.optimizer !== undefined && !OPTIMIZERS.includes(o.optimizer)) bad(`optimizer must be one of ${OPTIMIZERS.join(', ')}, but got ${String(o.optimizer)}`);
  if (o.schedule !== undefined && !['constant', 'cosine'].includes(o.schedule)) bad(`schedule must be constant or cosine, but got ${String(o.schedule)}`);
  if (o.minEpochs !== undefined && !(Number.isInteger(o.minEpochs) && o.minEpochs >= 1)) bad(`minEpochs must be a whole number >= 1, but got ${o.minEpochs}`);
  const decay = o.weightDecay ?? 0;
  if (!(decay >= 0 && o.learningRate * decay < 1)) bad(`weightDecay must be >= 0 with learningRate × weightDecay < 1, but got ${o.weightDecay}`);
  if (!(o.patience >= 0)) bad(`patience must be >= 0, but got ${o.patience}`);
  if (o.train.n < 1) bad('the training set is empty');
  if (o.validation.n < 1) bad('the validation set is empty (early stopping and the best-epoch choice need one)');
  if (o.validation.target.kind !== task.kind) bad('training and validation sets have different target kinds');
  if (o.classWeights && task.kind !== 'class') bad('class weights apply to classification only');
  if (o.adversarial && task.kind !== 'class') bad('adversarial training applies to classification only');
  const units = model.outputs[0].shape.at(-1);
  if (units !== task.head.units) bad(`the model has ${units} outputs but the task needs ${task.head.units}`);
}
