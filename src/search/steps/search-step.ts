import { availableParallelism } from 'node:os';
import { getDataset } from '../../data/steps/dataset-artifact.ts';
import type { EngineName } from '../../engine/engine.ts';
import { DeeplineError } from '../../errors/index.ts';
import type { FamilyRegistry } from '../../models/families/family-registry.ts';
import { modalityOfDataset } from '../../models/modality-of-dataset.ts';
import { deriveSeed } from '../../seed/derive-seed.ts';
import { defineStep, type Step, type StepContext } from '../../pipeline/step.ts';
import type { ArtifactRef } from '../../store/artifacts/artifact-store.ts';
import type { StoredTrial } from '../../store/metadata/study-store.ts';
import type { AdversarialSettings, AugmentSettings, ExecutorSettings, SearchSettings } from '../../task/task-spec.ts';
import type { TrialExecutor } from '../executors/executor.ts';
import { runTrials } from '../executors/run-study-trials.ts';
import type { TrialConstraints } from '../executors/trial-job.ts';
import type { LearningRateSchedule } from '../../models/training-recipe.ts';
import { bestEpochOf, refitEpochs } from '../refit-epochs.ts';
import type { ParetoPreference } from '../pareto.ts';
import type { Registry } from '../../extensions/registry.ts';
import type { Scheduler, SchedulerEntry } from '../schedulers/scheduler.ts';
import { sparingTrials } from '../schedulers/sparing-trials.ts';
import type { Param, Params, SearchSpace } from '../space.ts';
import { validateParams } from '../space/validate-params.ts';
import type { Sampler } from '../samplers/sampler.ts';
import type { FamilySearchSpace } from '../../models/search-spaces/family-search-space.ts';
import { familyChoiceSearchSpace } from '../../models/search-spaces/family-choice-search-space.ts';
import type { Modality } from '../../models/families/model-family.ts';
import type { GenomeBase } from '../../models/genome.ts';
import { applySpaceOverrides } from '../space/apply-space-overrides.ts';
import { createStudy, loadStudy } from '../study.ts';
import { searchStudyName } from '../study-name.ts';
import { STUDY_SUMMARY_FORMAT_VERSION, type StudySummary, type StudySummaryTrial } from '../study-summary.ts';
import { shareMs } from '../../pipeline/run-budget.ts';
import { smallDataPlan, type SmallDataPlan } from '../cross-validation/small-data-plan.ts';
import { trialDataPlan, type TrialExamplesSetting } from '../fidelity/trial-data-plan.ts';
import { writeCandidates, type OutOfFold } from '../../train/ensemble/ensemble-candidates.ts';
import { warmStartSearch, type WarmStartSettings } from '../warm-start/warm-start-search.ts';

export type SearchParams = {
  readonly family: string;
  readonly sampler: SearchSettings['sampler'];
  /** The task file's options for the sampler (absent: deepline's defaults for it). */
  readonly samplerOptions?: SearchSettings['samplerOptions'];
  readonly scheduler: SearchSettings['scheduler'];
  readonly schedulerOptions?: SearchSettings['schedulerOptions'];
  readonly prefer: SearchSettings['prefer'];
  readonly space: SearchSettings['space'];
  /**
   * `search.families`: the search chooses the family too, among these (`all`: every searchable
   * family of the data's modality), each with its own space (family-choice-search-space.ts).
   */
  readonly families?: 'all' | readonly string[];
  /** Configurations tried first, in order (then the family's default): `search.warmStart`. */
  readonly warmStart?: SearchSettings['warmStart'];
  /** `search.prior`: seed the first trials and TPE's prior from the nearest past tasks (warmStart); absent: off. */
  readonly warmStartPrior?: WarmStartSettings;
  /** What the prior store calls this task once its study finishes (the task's name; warmStart). */
  readonly warmStartLabel?: string;
  /** Trials to run in all (a resumed study counts those it has). */
  readonly trials?: number;
  /**
   * The run's `budget.minutes`: the search takes its share of them (run-budget.ts), cut to what
   * the run's budget has left when it starts; a resumed study counts the time its trials ran.
   */
  readonly minutes?: number;
  readonly workers?: number;
  /**
   * The most milliseconds one trial may train (it then ends as complete, with its best epoch's
   * weights). Default: the budget's trial share, so that the final retrain of any trial fits the
   * time left for it.
   */
  readonly trialMs?: number;
  /** Early-stopping patience inside each trial. */
  readonly patience: number;
  /** Caps the epochs any trial may train (the task's `budget.epochs`). */
  readonly maxEpochs?: number;
  readonly constraints: TrialConstraints;
  readonly engine: EngineName;
  /** The task file's training-time augmentation, applied in every trial as in the final training. */
  readonly augment?: AugmentSettings;
  /** The task file's adversarial training, applied in every trial as in the final training. */
  readonly adversarial?: AdversarialSettings;
  /**
   * `search.crossValidation`: folds to score each trial on (1: the validation split), or `auto`
   * (k-fold below the small-data size, see small-data-plan.ts). Absent: 1.
   */
  readonly crossValidation?: 'auto' | number;
  /**
   * `search.trialExamples`: the most training examples a trial trains on (a stratified sample;
   * `auto`: 10,000 above 20,000, see trial-data-plan.ts; `all`: every one). Absent: `auto`.
   */
  readonly trialExamples?: TrialExamplesSetting;
  /** True when the task file set no budget: on small data the search then takes a time budget instead of `trials`. */
  readonly defaultBudget?: boolean;
  /** The task's `train` settings: the first trial trains the family's default model with them. */
  readonly defaultTraining: { readonly learningRate: number; readonly batchSize: number; readonly epochs: number; readonly schedule?: LearningRateSchedule };
};

type SearchInput = 'train' | 'validation' | 'balance';
type SearchOutput = 'genome' | 'training' | 'study' | 'candidates';

export interface SearchWiring {
  /**
   * `transform` (none by default) names the data transform whose categorical features adversarial
   * training and the robustness constraint leave alone.
   */
  readonly inputs?: Partial<Record<SearchInput | 'transform', string>>;
  readonly families?: FamilyRegistry;
  /** The task file's `executor:`; not a param, so where trials run never changes the study. */
  readonly executor?: ExecutorSettings;
}

/** The objectives every trial reports, all minimised, in this order. */
export const SEARCH_OBJECTIVES = [
  { name: 'error', direction: 'minimize' },
  { name: 'latencyMs', direction: 'minimize' },
  { name: 'params', direction: 'minimize' },
] as const;

/**
 * Step `search`: a study over the family's search space (architecture and training), run by one
 * worker process per core within the trial and time budget, with hard constraints rejecting a
 * model before it trains. The study lives in the workspace's metadata.db under a name derived
 * from this step's inputs and params, so a killed run resumes it: finished trials are kept, the
 * interrupted ones run again, and the sampler continues from the recorded history.
 * Outputs: `genome` (the chosen trial's model), `training` (its learning rate, batch size, optimizer
 * and the epochs to retrain for), `study` (a StudySummary for the report).
 */
export function searchStep(params: SearchParams, wiring: SearchWiring = {}): Step<SearchInput, SearchOutput> {
  if (params.trials === undefined && params.minutes === undefined) {
    throw new DeeplineError('DL_INTERNAL', 'the search step needs a trial or a time budget');
  }
  return defineStep<SearchInput, SearchOutput>({
    name: 'search',
    version: '1',
    params,
    inputs: {
      train: wiring.inputs?.train ?? 'balance.train',
      validation: wiring.inputs?.validation ?? 'normalize.validation',
      balance: wiring.inputs?.balance ?? 'balance.balance',
      ...(wiring.inputs?.transform !== undefined && { transform: wiring.inputs.transform }),
    } as Record<SearchInput, string>,
    outputs: ['genome', 'training', 'study', 'candidates'],
    description: 'search architectures and hyper-parameters',
    async run(ctx, inputs) {
      const started = Date.now();
      // The model code (and TF.js under it) loads only when the step runs, not when it is cached.
      const { taskLoss } = await import('../../models/losses.ts');
      const { registries } = ctx.deepline;
      const families = wiring.families ?? (await registries.families.ready());
      const [train, validation] = await Promise.all([getDataset(ctx, inputs.train), getDataset(ctx, inputs.validation)]);
      const outputs = taskLoss(train.target).head.units;
      const modality = modalityOfDataset(train);
      const choice = params.families ? familyChoice(families, modality, params.families) : undefined;
      const family = choice ? { name: choice.family } : params.family === 'auto' ? families.list(modality)[0] : families.get(modality, params.family);
      const familySpace = choice ?? (family && families.searchSpace(family.name));
      if (!family || !familySpace) {
        throw new DeeplineError('DL_TASK_FIELD', `search.family: the ${family?.name ?? modality} family has no search space`, {
          hint: `set search.enabled: false to train its default model, or pick one of: ${families.searchable().join(', ')}`,
          location: { field: 'search.family' },
        });
      }
      const space = capEpochs(applySpaceOverrides(familySpace.space(train.featureShape, outputs), params.space, family.name), params.maxEpochs);
      const balance = await ctx.artifacts.readJson<{ classWeights?: readonly number[] }>(inputs.balance);
      const [trainDir, validationDir] = await Promise.all([ctx.artifacts.localPath(inputs.train), ctx.artifacts.localPath(inputs.validation)]);
      const transformRef = (inputs as Partial<Record<'transform', ArtifactRef>>).transform;
      const { frozenFeatures } = await import('../../train/adversarial/frozen-features.ts');
      const frozen = transformRef ? frozenFeatures(await ctx.artifacts.readJson<unknown>(transformRef)) : undefined;

      const store = ctx.deepline.studies();
      // A new search boots its workers (a process and an engine each, about a second) while the
      // warm start reads its prior and the study opens; a resumed one starts them once it knows
      // how many trials are left.
      let executorStart: Promise<TrialExecutor> | undefined;
      const startExecutor = (workers: number): Promise<TrialExecutor> =>
        ctx.deepline.createExecutor({ workers, onNotice: (message) => ctx.log.warn(message), ...(wiring.executor && { settings: wiring.executor }) }, wiring.executor?.kind);
      const workersFor = (trials: number | undefined): number => Math.max(1, Math.min(params.workers ?? availableParallelism(), trials ?? Infinity));
      const closeExecutor = (): Promise<void> | undefined => executorStart?.then((e) => e.close(), () => undefined);
      ctx.signal.addEventListener('abort', closeExecutor);
      try {
        // Same inputs, params and seed → same study: a rerun after a kill picks it up again.
        const name = searchStudyName(params, Object.values(inputs).map((r) => r.hash), ctx.seed);
        const resumed = (await store.getStudy(name)) !== undefined;
        const plan: SmallDataPlan = smallDataPlan({
          examples: train.n + validation.n,
          modality,
          crossValidation: params.crossValidation ?? 1,
          defaultBudget: params.defaultBudget === true,
          attacked: params.adversarial !== undefined || params.constraints.robustness !== undefined,
        });
        const trialBudget = plan.searchMs === undefined ? params.trials : undefined;
        if (!resumed && (trialBudget ?? 1) > 0 && (plan.searchMs ?? params.minutes ?? 1) > 0) {
          executorStart = startExecutor(workersFor(trialBudget));
          executorStart.catch(() => undefined); // awaited below; a failure surfaces there
        }
        const samplerEntry = registries.samplers.get(params.sampler, 'DL_TASK_FIELD');
        const initial = params.sampler === 'grid' ? undefined : defaultTrial(familySpace, space, train.featureShape, outputs, params, ctx.log);
        const warm = (params.warmStart ?? []).filter((candidate) => {
          const problems = validateParams(space, candidate as Params);
          if (problems.length > 0) ctx.log.info({ problems }, 'a warm-start configuration lies outside the search space; skipped');
          return problems.length === 0;
        }) as Params[];
        const warmStartSettings = params.sampler === 'grid' ? undefined : params.warmStartPrior;
        const warmStart = await warmStartSearch(ctx, { train, validation, family: family.name, space, initial, studyName: name, settings: warmStartSettings });
        const firsts = warmStart.firsts(warm, initial);
        const sampler = startingWith(samplerEntry.create(samplerEntry.optionsSchema.parse(params.samplerOptions ?? samplerOptions(params)), warmStart.samplerPrior), firsts.trials);
        const scheduler = sparingTrials(createScheduler(params, space, registries.schedulers), firsts.runToEnd);
        const preference = preferenceOf(params.prefer);
        const open = { store, name, space, sampler, preference, ...(scheduler ? { scheduler } : {}) };
        const study = resumed ? await loadStudy(open) : await createStudy({ ...open, objectives: SEARCH_OBJECTIVES, seed: ctx.seed });

        if (plan.reason) {
          ctx.log.info(plan, 'small data');
          ctx.progress({ done: 0, total: 1, unit: 'trial', message: plan.reason });
        }
        const dataPlan = trialDataPlan({
          train: train.n,
          validation: validation.n,
          setting: params.trialExamples ?? 'auto',
          ...(params.minutes !== undefined && { budgetMs: params.minutes * 60_000 }),
        });
        if (dataPlan.reason) {
          ctx.log.info(dataPlan, 'large data');
          ctx.progress({ done: 0, total: 1, unit: 'trial', message: dataPlan.reason });
        }
        const outOfFold = new Map<number, OutOfFold>();
        /** Each cross-validated trial's median best epoch over its folds (refitEpochsFromFolds); a resumed run falls back to the curve. */
        const foldBestEpochs = new Map<number, number>();
        const before = await study.trials();
        const counted = before.filter((t) => !t.interrupted).length;
        const usedMs = busyMs(before);
        const trialsLeft = trialBudget === undefined ? undefined : Math.max(0, trialBudget - counted);
        const msLeft =
          plan.searchMs !== undefined
            ? Math.max(0, plan.searchMs - usedMs)
            : params.minutes === undefined
              ? undefined
              : Math.max(0, Math.min(ctx.budget.msFor('search') ?? Infinity, (dataPlan.searchMs ?? shareMs('search', params.minutes)) - usedMs));
        const trialMs = params.trialMs ?? plan.trialMs ?? dataPlan.trialMs ?? ctx.budget.msFor('trial') ?? (params.minutes !== undefined ? shareMs('trial', params.minutes) : undefined);
        if (resumed) ctx.log.info({ study: name, trials: counted, usedMs }, 'resuming the search');
        const workers = workersFor(trialsLeft);
        ctx.log.info({ study: name, family: family.name, sampler: params.sampler, scheduler: params.scheduler, workers, trialsLeft, msLeft }, 'search started');

        let finished = 0;
        // Trials that fail at once (a bug, a broken engine) would otherwise be asked for by the
        // thousand within a time budget: stop after a run of failures with nothing completed.
        let failedInARow = 0;
        let completed = before.some((t) => t.state === 'complete');
        const maxFailedInARow = Math.max(5, 2 * workers);
        let bestError = Math.min(...before.filter((t) => t.state === 'complete').map((t) => t.values?.[0] ?? Infinity));
        const total = trialsLeft ?? Math.ceil((msLeft ?? 0) / 1000);
        const progress = (message: string): void => {
          const done = trialsLeft !== undefined ? finished : Math.min(total, Math.round((Date.now() - started) / 1000));
          ctx.progress({ done, total, unit: trialsLeft !== undefined ? 'trial' : 's', message });
        };
        progress(`${workers} workers`);
        if ((trialsLeft ?? 1) > 0 && (msLeft ?? 1) > 0) {
          const executor = await (executorStart ??= startExecutor(workers));
          // Trials and the search's time start when the workers are up, not while they boot.
          await executor.ready?.();
          if (ctx.signal.aborted) throw new DeeplineError('DL_STEP_FAILED', 'the search was cancelled');
          const deadline = msLeft === undefined ? undefined : Date.now() + msLeft;
          const summary = await runTrials({
            study,
            executor,
            ...(trialsLeft !== undefined ? { maxTrials: trialsLeft } : {}),
            ...(deadline !== undefined ? { deadline } : {}),
            jobFor: ({ trialId, params: p }) => {
              const training = familySpace.trainingFromParams(p);
              return {
                genome: familySpace.genomeFromParams(p),
                training: { ...training, patience: params.patience },
                ...(balance.classWeights ? { classWeights: balance.classWeights } : {}),
                ...(params.augment ? { augment: params.augment } : {}),
                ...(params.adversarial ? { adversarial: params.adversarial } : {}),
                ...(frozen ? { frozen } : {}),
                constraints: params.constraints,
                data: { train: trainDir, validation: validationDir },
                artifacts: { train: inputs.train.hash, validation: inputs.validation.hash },
                seed: deriveSeed(ctx.seed, `trial-${trialId}`),
                engine: params.engine,
                threads: Math.max(1, Math.floor(availableParallelism() / workers)),
                ...trialTime(deadline, trialMs),
                minEpochs: firstRung(space),
                ...(plan.folds > 1 && { crossValidation: { folds: plan.folds, seed: deriveSeed(ctx.seed, 'folds') } }),
                ...(dataPlan.sampled && { sample: { train: dataPlan.train, validation: dataPlan.validation, seed: deriveSeed(ctx.seed, 'trial-sample') } }),
              };
            },
            shouldContinue: () => completed || failedInARow < maxFailedInARow,
            onTrialProgress(trialId, epoch, values) {
              // With a time budget the bar moves with the clock, so epochs keep it alive between trial ends.
              if (trialsLeft === undefined) progress(`trial ${trialId} epoch ${epoch} error=${values[0].toFixed(4)} · best ${Number.isFinite(bestError) ? bestError.toFixed(4) : '-'}`);
            },
            onTrialEnd(trialId, result) {
              finished++;
              if (result.state === 'complete') completed = true;
              if (result.state === 'complete' && result.outOfFold) outOfFold.set(trialId, result.outOfFold);
              if (result.state === 'complete' && result.outOfFold && result.bestEpoch !== undefined) foldBestEpochs.set(trialId, result.bestEpoch);
              failedInARow = result.state === 'failed' ? failedInARow + 1 : 0;
              const error = result.state === 'complete' ? result.values?.[0] : undefined;
              if (error !== undefined && error < bestError) bestError = error;
              progress(`trial ${trialId} ${result.state}${error !== undefined ? ` error=${error.toFixed(4)}` : ''} · best ${Number.isFinite(bestError) ? bestError.toFixed(4) : '-'}`);
            },
          });
          ctx.log.info(summary, 'search finished');
        }
        if (ctx.signal.aborted) throw new DeeplineError('DL_STEP_FAILED', 'the search was cancelled');

        const trials = await study.trials();
        const candidates = await writeCandidates(ctx, {
          trials,
          outOfFold,
          folds: plan.folds,
          training: (t) => {
            const own = { ...familySpace.trainingFromParams(t.params), patience: params.patience };
            return { ...own, epochs: Math.max(1, refitEpochs(t, { epochs: own.epochs, maxEpochs: epochRange(space)[1], patience: params.patience }, foldBestEpochs.get(t.id))) };
          },
          genome: (t) => familySpace.genomeFromParams(t.params),
        });
        // A trial the scheduler stopped keeps its last values; when a kill or a tight budget left
        // no trial complete, the best of those is a better answer than none. Its configuration
        // then retrains for the epochs it was set to run, since it never reached its peak.
        const complete = await study.best();
        // When every trial was too slow for its first epochs, the budget is too small for a
        // search on this much data, not for a model: if the run's budget leaves the final
        // training time, the first trial (the default model where it was tried first) goes to
        // it, and it trains for that time (cutting its epoch short if need be).
        const trained = complete ?? bestPruned(trials);
        // The small-data time budget bounds the search alone: the final training then has all the time it needs.
        const refitLeft = ctx.budget.msFor('refit') ?? (plan.searchMs !== undefined ? Infinity : 0);
        const tooSlow = trained || refitLeft <= 0 ? undefined : trials.find((t) => t.rejectedFor === 'time');
        const best = trained ?? tooSlow;
        if (!best) throw noModel(trials);
        const fallback = tooSlow && `no trial could train its first epochs in the time it had (${tooSlow.error?.replace(/^rejected: /, '') ?? 'too slow'}); trial ${tooSlow.number} trains in the final training alone, for the time the budget leaves`;
        if (fallback) ctx.log.warn(`${fallback}: raise budget.minutes for a search`);
        const front = await study.paretoFront();
        const training = { ...familySpace.trainingFromParams(best.params), patience: params.patience };
        const chosen = {
          trialId: best.id,
          params: best.params,
          values: best.values ?? [],
          genome: familySpace.genomeFromParams(best.params),
          training,
          bestEpoch: complete ? (foldBestEpochs.get(best.id) ?? bestEpochOf(best)) : training.epochs,
          refitEpochs: !complete
            ? training.epochs
            : dataPlan.sampled && params.minutes !== undefined
              ? // A curve on a sixth of the data says little of when all of it peaks: the final
                // training's time decides, its learning rate annealed by time.
                Math.max(training.epochs, epochRange(space)[1])
              : refitEpochs(best, { epochs: training.epochs, maxEpochs: epochRange(space)[1], patience: params.patience }, foldBestEpochs.get(best.id)),
          ...(fallback && { fallback }),
        };
        const summary: StudySummary = {
          formatVersion: STUDY_SUMMARY_FORMAT_VERSION,
          name,
          family: family.name,
          sampler: params.sampler,
          scheduler: params.scheduler,
          errorName: train.target.kind === 'class' ? '1 - accuracy' : 'rmse',
          objectives: SEARCH_OBJECTIVES,
          budget: { ...(trialBudget !== undefined && { trials: trialBudget }), ...(params.minutes !== undefined ? { minutes: params.minutes } : plan.searchMs !== undefined && { minutes: plan.searchMs / 60_000 }) },
          ...(plan.folds > 1 && { crossValidation: { folds: plan.folds, examples: plan.examples } }),
          ...(plan.reason && { smallData: plan.reason }),
          ...(dataPlan.sampled && { trialData: { train: dataPlan.train, validation: dataPlan.validation, of: { train: train.n, validation: validation.n }, reason: dataPlan.reason! } }),
          constraints: params.constraints,
          workers,
          engine: params.engine,
          durationMs: Date.now() - started,
          trials: trials.map(summaryTrial),
          paretoFront: front.map((t) => t.id),
          best: chosen,
          ...timeToBest(trials, best),
          warmStart: warmStart.summary(trials),
        };
        await logStudyMetrics(ctx, trials);
        await warmStart.record(trials, params.warmStartLabel ?? name, family.name, summary.errorName);
        ctx.log.info({ trial: best.id, values: best.values, bestEpoch: chosen.bestEpoch, refitEpochs: chosen.refitEpochs }, 'search chose a model');
        return {
          genome: await ctx.artifacts.putJson(chosen.genome),
          // The final model retrains on train + validation for the epochs the chosen trial peaked at.
          training: await ctx.artifacts.putJson({ ...training, epochs: Math.max(1, chosen.refitEpochs) }),
          study: await ctx.artifacts.putJson(summary),
          candidates,
        };
      } finally {
        ctx.signal.removeEventListener('abort', closeExecutor);
        await closeExecutor();
      }
    },
  });
}

function trialTime(deadline: number | undefined, trialMs: number | undefined): { timeBudgetMs?: number } {
  const left = deadline === undefined ? Infinity : Math.max(1, deadline - Date.now());
  const ms = Math.min(left, trialMs ?? Infinity);
  return Number.isFinite(ms) ? { timeBudgetMs: Math.round(ms) } : {};
}

/** `search.families` as one space; DL_TASK_FIELD when fewer than two searchable families of the modality are named. */
function familyChoice(families: FamilyRegistry, modality: Modality, wanted: 'all' | readonly string[]): FamilySearchSpace<GenomeBase> {
  const names = wanted === 'all' ? families.list(modality).map((f) => f.name).filter((n) => families.searchSpace(n)) : wanted.map((n) => families.get(modality, n).name);
  const spaces = names.map((n) => families.searchSpace(n)).filter((s): s is FamilySearchSpace<GenomeBase> => s !== undefined);
  if (spaces.length < 2 || spaces.length !== names.length) {
    const searchable = families.list(modality).map((f) => f.name).filter((n) => families.searchSpace(n));
    throw new DeeplineError('DL_TASK_FIELD', `search.families: a choice needs two or more searchable ${modality} families, but got ${JSON.stringify(wanted)}`, {
      hint: `the searchable ${modality} families are: ${searchable.join(', ') || 'none'}; or leave search.families out to search one family (search.family)`,
      location: { field: 'search.families' },
    });
  }
  return familyChoiceSearchSpace(spaces);
}

/** The family's default model as the first trial, when it lies inside the (overridden) space. */
function defaultTrial(
  familySpace: FamilySearchSpace<GenomeBase>,
  space: SearchSpace,
  shape: readonly number[],
  outputs: number,
  params: SearchParams,
  log: StepContext['log'],
): Params | undefined {
  if (!familySpace.defaultParams) return undefined;
  const epochs = space.params.find((p) => p.name === 'epochs');
  const training = { ...params.defaultTraining, epochs: epochs && epochs.kind !== 'categorical' ? Math.min(epochs.high, Math.max(epochs.low, params.defaultTraining.epochs)) : params.defaultTraining.epochs };
  const candidate = familySpace.defaultParams(shape, outputs, training);
  const problems = validateParams(space, candidate);
  if (problems.length > 0) {
    log.info({ problems }, 'the default model lies outside the search space; not tried first');
    return undefined;
  }
  return candidate;
}

/**
 * The sampler, after `firsts` are tried in order (the task file's warm starts, the warm start's
 * portfolio, the family's default model); stateless: it looks at the history's length.
 */
function startingWith(sampler: Sampler, firsts: readonly Params[]): Sampler {
  if (firsts.length === 0) return sampler;
  return { name: sampler.name, sample: (space, history, rng) => (history.length < firsts.length ? firsts[history.length]! : sampler.sample(space, history, rng)) };
}

function capEpochs(space: SearchSpace, maxEpochs: number | undefined): SearchSpace {
  if (maxEpochs === undefined) return space;
  return {
    params: space.params.map((p): Param => {
      if (p.name !== 'epochs' || p.kind === 'categorical') return p;
      return { ...p, low: Math.min(p.low, maxEpochs), high: Math.min(p.high, maxEpochs) };
    }),
  };
}

/**
 * TPE's random startup: Optuna's 10 trials suit long searches; a budget of a few dozen trials
 * would spend most of itself there, so it gets a quarter of its trials (at least 3), and a time
 * budget (on CPU, often no more than a dozen trials) gets 5.
 */
function samplerOptions(params: SearchParams): Record<string, unknown> {
  if (params.sampler !== 'tpe') return {};
  const nStartup = params.trials !== undefined ? Math.min(10, Math.max(3, Math.ceil(params.trials / 4))) : 5;
  return { nStartup };
}

/**
 * The epochs every trial must be able to train within its time to be compared with the others:
 * ASHA's first rung, a third of the shortest training the space allows (after one epoch, a slow
 * starter with a small learning rate looks no different from a bad model).
 */
function firstRung(space: SearchSpace): number {
  return Math.max(1, Math.ceil(epochRange(space)[0] / 3));
}

/** The fewest and most epochs a trial of this space may train. */
function epochRange(space: SearchSpace): [number, number] {
  const epochs = space.params.find((p) => p.name === 'epochs');
  if (!epochs) return [1, 1];
  if (epochs.kind !== 'categorical') return [epochs.low, epochs.high];
  const values = epochs.choices.map(Number);
  return [Math.min(...values), Math.max(...values)];
}

function createScheduler(params: SearchParams, space: SearchSpace, schedulers: Registry<SchedulerEntry>): Scheduler | undefined {
  if (params.scheduler === 'none') return undefined;
  const entry = schedulers.get(params.scheduler, 'DL_TASK_FIELD');
  if (params.schedulerOptions) return entry.create(entry.optionsSchema.parse(params.schedulerOptions));
  // Ranked on error alone when the model is picked by error; on every objective otherwise.
  const rankOn = params.prefer === 'accuracy' ? { rankOn: [0] } : {};
  if (params.scheduler === 'asha') {
    const high = epochRange(space)[1];
    return entry.create(entry.optionsSchema.parse({ minResource: firstRung(space), maxResource: Math.max(1, high), reductionFactor: 3, ...rankOn }));
  }
  return entry.create(entry.optionsSchema.parse({}));
}

function preferenceOf(prefer: SearchSettings['prefer']): ParetoPreference {
  if (prefer === 'accuracy') return { kind: 'lexicographic', order: [0, 1, 2] };
  if (prefer === 'balanced') return { kind: 'weighted', weights: [1, 1, 1] };
  return { kind: 'weighted', weights: [prefer.error ?? 0, prefer.latency ?? 0, prefer.params ?? 0] };
}

/** Wall time during which at least one trial ran: the union of the trials' intervals. */
function busyMs(trials: readonly StoredTrial[]): number {
  const spans = trials
    .filter((t) => t.endedAt !== undefined)
    .map((t) => [Date.parse(t.startedAt), Date.parse(t.endedAt!)] as const)
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let until = -Infinity;
  for (const [from, to] of spans) {
    if (to <= until) continue;
    total += to - Math.max(from, until);
    until = to;
  }
  return total;
}

function bestPruned(trials: readonly StoredTrial[]): StoredTrial | undefined {
  const pruned = trials.filter((t) => t.state === 'pruned' && t.values && Number.isFinite(t.values[0]));
  return pruned.sort((a, b) => a.values![0] - b.values![0])[0];
}

function summaryTrial(t: StoredTrial): StudySummaryTrial {
  const rejected = isRejected(t);
  return {
    id: t.id,
    number: t.number,
    state: t.state,
    params: t.params,
    ...(t.values && t.values.every(Number.isFinite) ? { values: t.values } : {}),
    curve: (t.intermediate ?? []).map((r) => ({ epoch: r.step, values: r.values ?? [r.value] })),
    startedAt: t.startedAt,
    ...(t.endedAt !== undefined && { endedAt: t.endedAt }),
    ...(t.error !== undefined && { error: t.error }),
    ...(rejected && { rejected: true }),
    ...(t.retryOf !== undefined && { retryOf: t.retryOf }),
  };
}

function timeToBest(trials: readonly StoredTrial[], best: StoredTrial): { timeToBestMs?: number } {
  const first = Math.min(...trials.map((t) => Date.parse(t.startedAt)));
  return best.endedAt ? { timeToBestMs: Date.parse(best.endedAt) - first } : {};
}

async function logStudyMetrics(ctx: Parameters<Step['run']>[0], trials: readonly StoredTrial[]): Promise<void> {
  let best = Infinity;
  for (const t of trials) {
    if (t.state !== 'complete' || !t.values) continue;
    best = Math.min(best, t.values[0]);
    await ctx.logMetric('trial_error', t.values[0], { step: t.number });
    await ctx.logMetric('best_error', best, { step: t.number });
  }
  const count = (state: string): number => trials.filter((t) => t.state === state && !isRejected(t)).length;
  await ctx.logMetric('trials_complete', count('complete'));
  await ctx.logMetric('trials_pruned', count('pruned'));
  await ctx.logMetric('trials_failed', count('failed'));
  await ctx.logMetric('trials_rejected', trials.filter(isRejected).length);
}

/** Rejected before training, by a constraint or as too slow for its time. */
function isRejected(t: StoredTrial): boolean {
  return t.rejectedFor !== undefined;
}

function noModel(trials: readonly StoredTrial[]): DeeplineError {
  const failed = trials.filter((t) => t.state === 'failed' && !isRejected(t));
  const rejected = trials.filter(isRejected);
  const first = (rejected[0] ?? failed[0])?.error ?? 'no trial ran';
  const what =
    trials.length === 0
      ? 'no trial ran within the budget'
      : rejected.length === trials.length
        ? `all ${trials.length} trials were rejected before training (first: ${first})`
        : `none of ${trials.length} trials completed (${failed.length} failed, ${rejected.length} rejected; first error: ${first})`;
  const slow = rejected.some((t) => t.rejectedFor === 'time');
  return new DeeplineError('DL_SEARCH', `the search found no model: ${what}`, {
    hint:
      rejected.length > 0
        ? slow
          ? 'raise budget.minutes, or narrow search.space to smaller models (fewer filters, blocks or units)'
          : 'loosen constraints (maxLatencyMs, maxParams, maxMemoryMB) or narrow search.space to smaller models'
        : 'raise budget.trials or budget.minutes, or read the trial error above',
  });
}
