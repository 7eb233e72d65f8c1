import { join } from 'node:path';
import { concatDatasets, type Dataset } from '../../data/dataset.ts';
import { getDataset } from '../../data/steps/dataset-artifact.ts';
import { modalityOfDataset } from '../../models/modality-of-dataset.ts';
import type { FamilyRegistry } from '../../models/families/family-registry.ts';
import type { GenomeBase } from '../../models/genome.ts';
import { defineStep, type Step } from '../../pipeline/step.ts';
import type { ArtifactRef } from '../../store/artifacts/artifact-store.ts';
import type { AdversarialSettings, AugmentSettings } from '../../task/task-spec.ts';
import type { LearningRateSchedule } from '../../models/training-recipe.ts';
import { TRAINING_HISTORY_FORMAT_VERSION, type TrainingHistory } from '../training-history.ts';
import { shareMs } from '../../pipeline/run-budget.ts';

export type TrainParams = {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly patience: number;
  /** The learning-rate schedule (fitModel's); default constant. */
  readonly schedule?: LearningRateSchedule;
  /**
   * Stop after the epoch that passes this many milliseconds of training. Default: what the run's
   * budget gives the training (run-budget.ts: `refit` after a search, else `train`).
   */
  readonly timeBudgetMs?: number;
  /** The run's `budget.minutes`: part of the step's identity, as the budget changes the model. */
  readonly budgetMinutes?: number;
  /** Overrides the seed the runner derives for this step. */
  readonly seed?: number;
  /** Training-time augmentation (the task file's `augment`); off when absent or all zero. */
  readonly augment?: AugmentSettings;
  /**
   * Adversarial training (the task file's `train.adversarial`): every batch is replaced by its
   * adversarial version. With a table transform wired as `transform`, its categorical features stay fixed.
   */
  readonly adversarial?: AdversarialSettings;
  /**
   * Retrain on train + validation for a fixed number of epochs (the search's final model): no
   * early stopping, since the validation split is then part of what is learnt.
   */
  readonly refit?: boolean;
};

/** The `training` input (the search's choice); each field present overrides the step's params. */
export interface ChosenTraining {
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  readonly optimizer?: 'adam' | 'sgd' | 'rmsprop';
  readonly weightDecay?: number;
  readonly schedule?: LearningRateSchedule;
}

/** `balance`: a JSON with optional `classWeights` (the balance step's report). */
type TrainInput = 'train' | 'validation' | 'genome' | 'balance';

export interface TrainWiring {
  /**
   * Overrides the default inputs: `normalize.train`, `normalize.validation`, `build-model.genome`,
   * `balance.balance`; `training` (none by default) names a ChosenTraining JSON; `transform`
   * (none by default) the data transform adversarial training reads the categorical features from.
   */
  readonly inputs?: Partial<Record<TrainInput | 'training' | 'transform', string>>;
  readonly families?: FamilyRegistry;
}

const DEFAULTS: TrainParams = { epochs: 60, batchSize: 32, learningRate: 1e-3, patience: 8 };

/**
 * Step `train`: builds the genome's network and trains it with early stopping. Outputs `model` (a
 * TF.js layers model folder: model.json + weights.bin) and `history` (TrainingHistory JSON).
 */
export function trainStep(overrides: Partial<TrainParams> = {}, wiring: TrainWiring = {}): Step<TrainInput, 'model' | 'history'> {
  const params: TrainParams = { ...DEFAULTS, ...overrides };
  return defineStep<TrainInput, 'model' | 'history'>({
    name: 'train',
    version: '3',
    params,
    // `training` is wired only when given: a step's inputs are exactly what it reads.
    inputs: {
      train: wiring.inputs?.train ?? 'normalize.train',
      validation: wiring.inputs?.validation ?? 'normalize.validation',
      genome: wiring.inputs?.genome ?? 'build-model.genome',
      balance: wiring.inputs?.balance ?? 'balance.balance',
      ...(wiring.inputs?.training !== undefined && { training: wiring.inputs.training }),
      ...(wiring.inputs?.transform !== undefined && { transform: wiring.inputs.transform }),
    } as Record<TrainInput, string>,
    outputs: ['model', 'history'],
    description: 'train the model with early stopping',
    async run(ctx, inputs) {
      // The model code (and TF.js under it) loads only when the step runs, not when it is cached.
      const [{ buildModel }, { taskLoss }, { augmentModalityOf, createAugmentation }, { fitModel }, { saveModel }] = await Promise.all([
        import('../../models/build-model.ts'),
        import('../../models/losses.ts'),
        import('../augment/create-augmentation.ts'),
        import('../fit.ts'),
        import('../model-io.ts'),
      ]);
      const families = wiring.families ?? (await ctx.deepline.registries.families.ready());
      const engine = await ctx.deepline.engine.start();
      const chosenRef = (inputs as Partial<Record<TrainInput | 'training', ArtifactRef>>).training;
      const [fitData, validation, genome, balance, chosen] = await Promise.all([
        getDataset(ctx, inputs.train),
        getDataset(ctx, inputs.validation),
        ctx.artifacts.readJson<GenomeBase>(inputs.genome),
        ctx.artifacts.readJson<{ classWeights?: readonly number[] }>(inputs.balance),
        chosenRef ? ctx.artifacts.readJson<ChosenTraining>(chosenRef) : Promise.resolve({} as ChosenTraining),
      ]);
      const train = params.refit ? concatDatasets(fitData, validation) : fitData;
      const epochs = chosen.epochs ?? params.epochs;
      if (params.refit) ctx.log.info({ examples: train.n, epochs }, 'retraining the chosen model on train + validation');
      const seed = params.seed ?? ctx.seed;
      const model = buildModel(genome, {
        inputShape: train.featureShape,
        head: taskLoss(train.target).head,
        seed,
        families,
        modality: modalityOfDataset(train),
        ...(train.tokens ? { vocabSize: train.tokens.vocabSize } : {}),
      });
      const augmentation = params.augment ? createAugmentation(params.augment, augmentModalityOf(train), seed, await ctx.deepline.registries.augmenters.ready()) : undefined;
      if (augmentation) ctx.log.info({ stages: augmentation.stages }, 'augmenting training batches');
      const transformRef = (inputs as Partial<Record<TrainInput | 'transform', ArtifactRef>>).transform;
      const adversarial = params.adversarial && (await adversarialTraining(params.adversarial, train, transformRef && (await ctx.artifacts.readJson<unknown>(transformRef)), seed));
      if (adversarial) ctx.log.info({ ...params.adversarial }, 'training on adversarial examples');
      try {
        const metricKey = train.target.kind === 'class' ? 'val_acc' : 'val_rmse';
        const result = await fitModel(model, {
          train,
          validation,
          epochs,
          batchSize: chosen.batchSize ?? params.batchSize,
          learningRate: chosen.learningRate ?? params.learningRate,
          // A refit has no held-out data to stop on: it runs the chosen number of epochs.
          patience: params.refit ? epochs : params.patience,
          ...(chosen.optimizer !== undefined && { optimizer: chosen.optimizer }),
          ...(chosen.weightDecay !== undefined && { weightDecay: chosen.weightDecay }),
          ...((chosen.schedule ?? params.schedule) !== undefined && { schedule: chosen.schedule ?? params.schedule }),
          timeBudgetMs: params.timeBudgetMs ?? ctx.budget.msFor(params.refit ? 'refit' : 'train') ?? (params.budgetMinutes !== undefined ? shareMs(params.refit ? 'refit' : 'train', params.budgetMinutes) : undefined),
          seed,
          signal: ctx.signal,
          classWeights: balance.classWeights,
          augment: augmentation,
          ...(adversarial && { adversarial }),
          async onEpoch(r, total) {
            await ctx.logMetric('loss', r.loss, { epoch: r.epoch });
            await ctx.logMetric('val_loss', r.valLoss, { epoch: r.epoch });
            await ctx.logMetric(metricKey, r.valMetric, { epoch: r.epoch });
            ctx.progress({
              done: r.epoch,
              total,
              unit: 'epoch',
              message: `loss=${r.loss.toFixed(4)} val_loss=${r.valLoss.toFixed(4)} ${metricKey}=${r.valMetric.toFixed(4)}`,
            });
          },
        });
        const dir = join(ctx.workDir, 'model');
        await saveModel(model, dir);
        const history: TrainingHistory = {
          formatVersion: TRAINING_HISTORY_FORMAT_VERSION,
          ...result,
          family: genome.family,
          params: model.countParams(),
          engine: engine.name,
          epochsRequested: epochs,
        };
        ctx.log.info({ bestEpoch: result.bestEpoch, reason: result.reason, ms: Math.round(result.durationMs) }, 'training finished');
        return { model: await ctx.artifacts.putDir(dir, { move: true }), history: await ctx.artifacts.putJson(history) };
      } finally {
        model.dispose();
      }
    },
  });
}

/** The batch attack of `train.adversarial`, within the training split's box (categorical features frozen). */
async function adversarialTraining(settings: AdversarialSettings, train: Dataset, transform: unknown, seed: number) {
  const [{ createAdversarialTraining }, { frozenFeatures }, { perturbationBox }, { layerSeed }] = await Promise.all([
    import('../adversarial/adversarial-training.ts'),
    import('../adversarial/frozen-features.ts'),
    import('../adversarial/perturbation-box.ts'),
    import('../../seed/layer-seed.ts'),
  ]);
  const frozen = frozenFeatures(transform);
  return createAdversarialTraining(settings, perturbationBox(train, frozen ? { frozen } : {}), layerSeed(seed, 0xad7));
}
