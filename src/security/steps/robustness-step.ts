import { featureSize, subsetDataset, type Dataset } from '../../data/dataset.ts';
import { getDataset } from '../../data/steps/dataset-artifact.ts';
import { DeeplineError } from '../../errors/index.ts';
import { headlineRobustness } from '../../evaluate/robustness-html.ts';
import { ROBUSTNESS_FORMAT_VERSION, type AdversarialTrainingNote, type RobustnessSummary } from '../../evaluate/robustness-summary.ts';
import { BUDGET_SHARES } from '../../pipeline/run-budget.ts';
import { defineStep, type Step, type StepContext } from '../../pipeline/step.ts';
import { createSeededRandom } from '../../seed/seeded-random.ts';
import { frozenFeatures } from '../../train/adversarial/frozen-features.ts';
import { perturbationBox } from '../../train/adversarial/perturbation-box.ts';
import type { ThreatModel } from '../attacks/attack.ts';
import { AttackUnsupported } from '../attacks/attack-unsupported.ts';

export type RobustnessParams = {
  /** A registered attack (`registries.attacks`), or `auto`: `pgd` for images and tables, `token-swap` for text. */
  readonly attack: string;
  /** The attack's options (validated by its entry); absent: its defaults. */
  readonly attackOptions?: Readonly<Record<string, unknown>>;
  /** The curve's budgets: fractions of each feature's range (text: of its tokens). */
  readonly epsilons: readonly number[];
  /** The most test examples attacked: a sample drawn with the step's seed. */
  readonly examples: number;
  /** Bisection rounds of the minimal-perturbation search; 0 leaves it out. */
  readonly minimalRounds: number;
  /** The release gate, recorded here and enforced by the security-gate step. */
  readonly gate?: { readonly epsilon: number; readonly minRobustAccuracy: number };
  /** How the model was trained, for the report (`train.adversarial`). */
  readonly adversarialTraining?: AdversarialTrainingNote;
  /** The run's `budget.minutes`: part of the step's identity, since the budget may cut the curve short. */
  readonly budgetMinutes?: number;
};

type RobustnessInput = 'model' | 'train' | 'test' | 'transform';

export interface RobustnessWiring {
  /** Overrides the default inputs: `train.model`, `normalize.{train,test,transform}`. */
  readonly inputs?: Partial<Record<RobustnessInput, string>>;
}

export const ROBUSTNESS_DEFAULTS = { attack: 'auto', epsilons: [0, 0.01, 0.02, 0.05, 0.1, 0.2], examples: 200, minimalRounds: 5 } as const satisfies Partial<RobustnessParams>;

/**
 * Step `robustness`: accuracy under attack of the final model on a sample of the test split, at
 * each budget ε of the curve (a fraction of each feature's range: the training split's minimum
 * and maximum in model-input space, a table's categorical features frozen; for text, the share
 * of a text's tokens swapped), and the median smallest ε that flips an example (bisection on ε,
 * the attack run per example). Its attacks take the run budget's `robustness` share, or the time
 * the run is ahead of its deadline when that is more; budgets that do not fit are left out and
 * listed, the gate's ε never. Classification only: for other tasks
 * the output records why nothing was measured. Output `robustness`: a RobustnessSummary JSON.
 */
export function robustnessStep(overrides: Partial<RobustnessParams> = {}, wiring: RobustnessWiring = {}): Step<RobustnessInput, 'robustness'> {
  const params: RobustnessParams = { ...ROBUSTNESS_DEFAULTS, ...overrides };
  return defineStep<RobustnessInput, 'robustness'>({
    name: 'robustness',
    version: '2',
    params,
    inputs: {
      model: wiring.inputs?.model ?? 'train.model',
      train: wiring.inputs?.train ?? 'normalize.train',
      test: wiring.inputs?.test ?? 'normalize.test',
      transform: wiring.inputs?.transform ?? 'normalize.transform',
    },
    outputs: ['robustness'],
    description: 'measure accuracy under adversarial attack',
    async run(ctx, inputs) {
      const started = Date.now();
      const write = async (summary: RobustnessSummary) => ({ robustness: await ctx.artifacts.putJson(summary) });
      const skip = (reason: string) => {
        ctx.log.info({ reason }, 'robustness not measured');
        return write({ formatVersion: ROBUSTNESS_FORMAT_VERSION, status: 'skipped', reason });
      };
      const test = await getDataset(ctx, inputs.test);
      if (test.target.kind !== 'class') return skip('robustness is measured for classification; this task predicts a number');
      if (test.n === 0) return skip('the test split is empty');
      const train = await getDataset(ctx, inputs.train);
      const threat = threatOf(train, await ctx.artifacts.readJson<unknown>(inputs.transform));
      if (threat.kind === 'box' && threat.box.free.every((f) => f === 0)) return skip('no input feature can be perturbed: every feature is categorical or constant');
      const name = params.attack === 'auto' ? (threat.kind === 'tokens' ? 'token-swap' : 'pgd') : params.attack;
      const entry = ctx.deepline.registries.attacks.get(name, 'DL_TASK_FIELD');
      if (!entry.threats.includes(threat.kind)) {
        throw new DeeplineError('DL_TASK_FIELD', `security.attack: ${name} attacks ${entry.threats.join(' or ')} inputs, but this model's inputs are ${threat.kind === 'tokens' ? 'token ids' : 'continuous features'}`, {
          hint: `leave security.attack out (auto), or choose one of: ${ctx.deepline.registries.attacks.values().filter((a) => a.threats.includes(threat.kind)).map((a) => a.name).join(', ')}`,
          location: { field: 'security.attack' },
        });
      }
      const options = entry.optionsSchema.parse(params.attackOptions ?? {}) as Record<string, unknown>;
      const sample = sampleOf(test, params.examples, ctx.seed);
      const { loadModel } = await import('../../train/model-io.ts');
      const { measureRobustness } = await import('../measure-robustness.ts');
      await ctx.deepline.engine.start();
      const model = await loadModel(await ctx.artifacts.localPath(inputs.model));
      try {
        const limitMs = timeLimit(ctx.budget);
        const measured = await measureRobustness({
          attack: entry.create(options),
          model,
          examples: sample,
          threat,
          epsilons: params.epsilons,
          seed: ctx.seed,
          ...(params.gate && { required: params.gate.epsilon }),
          ...(params.minimalRounds > 0 && { minimal: { upper: threat.kind === 'tokens' ? 1 : Math.min(1, 2 * Math.max(...params.epsilons, 0.05)), rounds: params.minimalRounds } }),
          ...(limitMs !== undefined && { deadline: Date.now() + limitMs }),
        });
        const gate = params.gate && gateOf(params.gate, measured.curve);
        const summary: RobustnessSummary = {
          formatVersion: ROBUSTNESS_FORMAT_VERSION,
          status: 'measured',
          attack: name,
          options,
          epsilonUnit: threat.kind === 'tokens' ? 'tokens' : 'range',
          examples: sample.n,
          testExamples: test.n,
          ...measured,
          ...(gate && { gate }),
          ...(params.adversarialTraining && { adversarialTraining: params.adversarialTraining }),
          durationMs: Date.now() - started,
        };
        await logSummary(ctx, summary);
        return write(summary);
      } catch (e) {
        if (e instanceof AttackUnsupported) return skip(e.message);
        throw e;
      } finally {
        model.dispose();
      }
    },
  });
}

/**
 * The step's time: its share of the budget (run-budget.ts), or, when the run is ahead of its
 * deadline, what is left of it less the rest of the tail (reports, publishing) — time the
 * trainings did not use is of no use to anything after this step.
 */
function timeLimit(budget: StepContext['budget']): number | undefined {
  const share = budget.msFor('robustness');
  if (share === undefined || budget.totalMs === undefined || budget.deadline === undefined) return share;
  const rest = (BUDGET_SHARES.tail - BUDGET_SHARES.robustness) * budget.totalMs;
  return Math.max(share, budget.deadline - Date.now() - rest);
}

/** What an attacker may change: token ids of a text, or the features of the training split's box. */
function threatOf(train: Dataset, transform: unknown): ThreatModel {
  if (train.tokens) return { kind: 'tokens', vocabSize: train.tokens.vocabSize };
  const frozen = frozenFeatures(transform);
  if (frozen && frozen.length !== featureSize(train)) throw new DeeplineError('DL_INTERNAL', `the transform encodes ${frozen.length} features but the data has ${featureSize(train)}`);
  return { kind: 'box', box: perturbationBox(train, frozen ? { frozen } : {}) };
}

/** Up to `count` test examples, drawn with the seed and kept in their order. */
function sampleOf(test: Dataset, count: number, seed: number): Dataset {
  if (test.n <= count) return test;
  const order = createSeededRandom(seed).shuffle(Uint32Array.from({ length: test.n }, (_, i) => i));
  return subsetDataset(test, order.subarray(0, count).sort());
}

function gateOf(gate: NonNullable<RobustnessParams['gate']>, curve: readonly { epsilon: number; accuracy: number }[]) {
  const point = curve.find((p) => p.epsilon === gate.epsilon);
  if (!point) throw new DeeplineError('DL_INTERNAL', `the curve has no point at the gate's ε ${gate.epsilon}`);
  return { ...gate, robustAccuracy: point.accuracy, passed: point.accuracy >= gate.minRobustAccuracy };
}

async function logSummary(ctx: StepContext, summary: Extract<RobustnessSummary, { status: 'measured' }>): Promise<void> {
  // One figure, at the ε the report's headline quotes (the gate's, else 0.05): the curve is in the output.
  const headline = headlineRobustness(summary);
  if (headline) await ctx.logMetric('robust_accuracy', headline.accuracy);
  if (summary.minimal?.median !== null && summary.minimal?.median !== undefined) await ctx.logMetric('minimal_epsilon_median', summary.minimal.median);
  ctx.log.info(
    { attack: summary.attack, examples: summary.examples, clean: summary.cleanAccuracy, curve: summary.curve.map((p) => `${p.epsilon}:${p.accuracy.toFixed(3)}`).join(' '), minimal: summary.minimal?.median },
    'robustness measured',
  );
}
