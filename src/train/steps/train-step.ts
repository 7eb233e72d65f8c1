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
import { ENSEMBLE_SUMMARY_FORMAT_VERSION, type EnsembleSummary } from '../ensemble/ensemble-summary.ts';

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
  /**
   * With a `candidates` input (the search's cross-validated trials, `search.ensemble`): the final
   * model averages up to `size` of them, chosen on their out-of-fold predictions by greedy
   * selection or as the top `size` (`auto`: whichever predicts the folds better), each retrained on
   * train + validation. Fewer than two candidates: the chosen model alone, as without it.
   */
  readonly ensemble?: { readonly size: number; readonly selection: 'auto' | 'greedy' | 'average'; readonly seeds: number };
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
type TrainOutput = 'model' | 'history' | 'ensemble';

export interface TrainWiring {
  /**
   * Overrides the default inputs: `normalize.train`, `normalize.validation`, `build-model.genome`,
   * `balance.balance`; `training` (none by default) names a ChosenTraining JSON; `transform`
   * (none by default) the data transform adversarial training reads the categorical features from.
   */
  readonly inputs?: Partial<Record<TrainInput | 'training' | 'transform' | 'candidates', string>>;
  readonly families?: FamilyRegistry;
}

const DEFAULTS: TrainParams = { epochs: 60, batchSize: 32, learningRate: 1e-3, patience: 8 };

/**
 * Step `train`: builds the genome's network and trains it with early stopping. Outputs `model` (a
 * TF.js layers model folder: model.json + weights.bin) and `history` (TrainingHistory JSON).
 */
export function trainStep(overrides: Partial<TrainParams> = {}, wiring: TrainWiring = {}): Step<TrainInput, TrainOutput> {
  const params: TrainParams = { ...DEFAULTS, ...overrides };
  return defineStep<TrainInput, TrainOutput>({
    name: 'train',
    version: '4',
    params,
    // `training` is wired only when given: a step's inputs are exactly what it reads.
    inputs: {
      train: wiring.inputs?.train ?? 'normalize.train',
      validation: wiring.inputs?.validation ?? 'normalize.validation',
      genome: wiring.inputs?.genome ?? 'build-model.genome',
      balance: wiring.inputs?.balance ?? 'balance.balance',
      ...(wiring.inputs?.training !== undefined && { training: wiring.inputs.training }),
      ...(wiring.inputs?.transform !== undefined && { transform: wiring.inputs.transform }),
      ...(wiring.inputs?.candidates !== undefined && { candidates: wiring.inputs.candidates }),
    } as Record<TrainInput, string>,
    outputs: ['model', 'history', 'ensemble'],
    description: 'train the model with early stopping',
    async run(ctx, inputs) {
      // The model code (and TF.js under it) loads only when the step runs, not when it is cached.
      const [{ buildModel }, { taskLoss }, { augmentModalityOf, createAugmentation }, { fitModel }, { saveModel }, { ensembleModel }, { planEnsemble }] = await Promise.all([
        import('../../models/build-model.ts'),
        import('../../models/losses.ts'),
        import('../augment/create-augmentation.ts'),
        import('../fit.ts'),
        import('../model-io.ts'),
        import('../../models/ensemble-model.ts'),
        import('../ensemble/plan-ensemble.ts'),
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
      const seed = params.seed ?? ctx.seed;
      const augmentation = params.augment ? createAugmentation(params.augment, augmentModalityOf(train), seed, await ctx.deepline.registries.augmenters.ready()) : undefined;
      if (augmentation) ctx.log.info({ stages: augmentation.stages }, 'augmenting training batches');
      const transformRef = (inputs as Partial<Record<TrainInput | 'transform', ArtifactRef>>).transform;
      const adversarial = params.adversarial && (await adversarialTraining(params.adversarial, train, transformRef && (await ctx.artifacts.readJson<unknown>(transformRef)), seed));
      if (adversarial) ctx.log.info({ ...params.adversarial }, 'training on adversarial examples');
      const metricKey = train.target.kind === 'class' ? 'val_acc' : 'val_rmse';
      const budgetMs = params.timeBudgetMs ?? ctx.budget.msFor(params.refit ? 'refit' : 'train') ?? (params.budgetMinutes !== undefined ? shareMs(params.refit ? 'refit' : 'train', params.budgetMinutes) : undefined);
      const trainingStarted = Date.now();

      /**
       * Builds `memberGenome` and trains it on `train`; an ensemble member's `label` prefixes its
       * progress, and `member` its metrics (`member2/val_loss`), so each member's curves are kept.
       */
      const trainOne = async (memberGenome: unknown, training: ChosenTraining, memberSeed: number, timeBudgetMs: number | undefined, member?: { readonly label: string; readonly key: string }) => {
        const epochs = training.epochs ?? params.epochs;
        const model = buildModel(memberGenome, {
          inputShape: train.featureShape,
          head: taskLoss(train.target).head,
          seed: memberSeed,
          families,
          modality: modalityOfDataset(train),
          ...(train.tokens ? { vocabSize: train.tokens.vocabSize } : {}),
        });
        try {
          const result = await fitModel(model, {
            train,
            validation,
            epochs,
            batchSize: training.batchSize ?? params.batchSize,
            learningRate: training.learningRate ?? params.learningRate,
            // A refit has no held-out data to stop on: it runs the chosen number of epochs.
            patience: params.refit ? epochs : params.patience,
            ...(training.optimizer !== undefined && { optimizer: training.optimizer }),
            ...(training.weightDecay !== undefined && { weightDecay: training.weightDecay }),
            ...((training.schedule ?? params.schedule) !== undefined && { schedule: training.schedule ?? params.schedule }),
            ...(timeBudgetMs !== undefined && { timeBudgetMs }),
            seed: memberSeed,
            signal: ctx.signal,
            classWeights: balance.classWeights,
            augment: augmentation,
            ...(adversarial && { adversarial }),
            async onEpoch(r, total) {
              const prefix = member ? `${member.key}/` : '';
              await ctx.logMetric(`${prefix}loss`, r.loss, { epoch: r.epoch });
              await ctx.logMetric(`${prefix}val_loss`, r.valLoss, { epoch: r.epoch });
              await ctx.logMetric(`${prefix}${metricKey}`, r.valMetric, { epoch: r.epoch });
              ctx.progress({
                done: r.epoch,
                total,
                unit: 'epoch',
                message: `${member?.label ?? ''}loss=${r.loss.toFixed(4)} val_loss=${r.valLoss.toFixed(4)} ${metricKey}=${r.valMetric.toFixed(4)}`,
              });
            },
          });
          return { model, result, epochs };
        } catch (e) {
          model.dispose();
          throw e;
        }
      };

      const candidatesRef = (inputs as Partial<Record<'candidates', ArtifactRef>>).candidates;
      const plan = params.ensemble && candidatesRef && params.refit ? await planEnsemble(await ctx.artifacts.localPath(candidatesRef), train, params.ensemble) : undefined;
      if (plan?.members) {
        const { members } = plan;
        const seeds = plan.seeds ?? 1;
        // Member k's copy r: seed number k + r × members, so the first copies keep the seeds of an ensemble without bagging.
        const models = Array.from({ length: seeds }, (_, r) => members.map((member, k) => ({ member, k, r, seed: layerSeedOf(seed, k + r * members.length) }))).flat();
        ctx.log.info({ members: members.map((m) => ({ trial: m.candidate.number, weight: m.weight })), seeds, selection: plan.summary.selection }, 'retraining the ensemble on train + validation');
        ctx.progress({ done: 0, total: models.length, unit: 'model', message: plan.summary.reason });
        const trained: Awaited<ReturnType<typeof trainOne>>[] = [];
        try {
          for (const [i, { member, k, r, seed: modelSeed }] of models.entries()) {
            const left = budgetMs === undefined ? undefined : Math.max(1, (budgetMs - (Date.now() - trainingStarted)) / (models.length - i));
            trained.push(
              await trainOne(member.candidate.genome, member.candidate.training as ChosenTraining, modelSeed, left, {
                label: `member ${k + 1}/${members.length} (trial ${member.candidate.number}${seeds > 1 ? `, seed ${r + 1}/${seeds}` : ''}) `,
                key: `member${i + 1}`,
              }),
            );
          }
          const ensemble = ensembleModel(
            trained.map((t) => t.model),
            models.map((m) => m.member.weight),
          );
          const dir = join(ctx.workDir, 'model');
          await saveModel(ensemble, dir);
          const first = trained[0]!;
          const history: TrainingHistory = {
            formatVersion: TRAINING_HISTORY_FORMAT_VERSION,
            ...first.result,
            family: 'ensemble',
            params: ensemble.countParams(),
            engine: engine.name,
            epochsRequested: first.epochs,
          };
          if (ensemble !== first.model) ensemble.dispose();
          ctx.log.info({ members: members.length, models: models.length, ms: Date.now() - trainingStarted }, 'ensemble trained');
          return {
            model: await ctx.artifacts.putDir(dir, { move: true }),
            history: await ctx.artifacts.putJson(history),
            ensemble: await ctx.artifacts.putJson({ ...plan.summary, members: plan.summary.members.map((m, k) => ({ ...m, params: trained[k]!.model.countParams(), epochs: trained[k]!.result.history.length })) }),
          };
        } finally {
          for (const t of trained) t.model.dispose();
        }
      }

      if (params.refit) ctx.log.info({ examples: train.n, epochs: chosen.epochs ?? params.epochs }, 'retraining the chosen model on train + validation');
      const { model, result, epochs } = await trainOne(genome, chosen, seed, budgetMs);
      try {
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
        const single: EnsembleSummary = { formatVersion: ENSEMBLE_SUMMARY_FORMAT_VERSION, enabled: false, reason: plan?.summary.reason ?? (params.ensemble ? 'no cross-validated trials to choose from (the search scored trials on the validation split)' : 'search.ensemble is off'), members: [] };
        return { model: await ctx.artifacts.putDir(dir, { move: true }), history: await ctx.artifacts.putJson(history), ensemble: await ctx.artifacts.putJson(single) };
      } finally {
        model.dispose();
      }
    },
  });
}

/** A member's seed: distinct per member, the same on every rerun. */
function layerSeedOf(seed: number, member: number): number {
  return member === 0 ? seed : (Math.imul(seed ^ 0x9e3779b9, member + 1) >>> 0);
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
