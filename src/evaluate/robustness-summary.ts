import { FORMAT_VERSIONS } from '../store/formats/format-versions.ts';

export const ROBUSTNESS_FORMAT_VERSION = FORMAT_VERSIONS.robustness;

/** Accuracy under attack at one budget. */
export interface RobustnessPoint {
  /** The budget, in `RobustnessSummary.epsilonUnit`. */
  readonly epsilon: number;
  /** Share of the sampled examples classified right both as they are and under the attack. */
  readonly accuracy: number;
}

/**
 * The smallest budget that flips each sampled example classified right (a bisection on ε with the
 * attack), summarised. Examples still right at `upper` count as above it.
 */
export interface MinimalPerturbation {
  /** The median over the examples classified right; null when more than half hold at `upper`. */
  readonly median: number | null;
  /** The largest budget tried. */
  readonly upper: number;
  /** Examples searched (those classified right) and those that held at `upper`. */
  readonly examples: number;
  readonly held: number;
  /**
   * Rounds of the search: each narrows every example's bracket at least two-fold (with few
   * examples, up to eight-fold: several budgets per example are tried in one batch).
   */
  readonly rounds: number;
}

/** The release gate (`security.epsilon`, `security.minRobustAccuracy`) and how the model fared. */
export interface SecurityGate {
  readonly epsilon: number;
  readonly minRobustAccuracy: number;
  readonly robustAccuracy: number;
  readonly passed: boolean;
}

/** How the model was trained against attacks, when it was (`train.adversarial`). */
export interface AdversarialTrainingNote {
  readonly attack: 'pgd' | 'fgsm';
  readonly epsilon: number;
  readonly steps: number;
}

/**
 * What the robustness step measured (`robustness.json`), for the report and `deepline show`.
 * `skipped` records why nothing was measured (a regression task, an unattackable model).
 */
export type RobustnessSummary =
  | {
      readonly formatVersion: typeof ROBUSTNESS_FORMAT_VERSION;
      readonly status: 'skipped';
      readonly reason: string;
    }
  | {
      readonly formatVersion: typeof ROBUSTNESS_FORMAT_VERSION;
      readonly status: 'measured';
      /** The attack's registered name and its options as used. */
      readonly attack: string;
      readonly options: Readonly<Record<string, unknown>>;
      /** What ε counts: a fraction of each feature's range (`range`) or of a text's tokens (`tokens`). */
      readonly epsilonUnit: 'range' | 'tokens';
      /** Test examples attacked (a seeded sample of the test split) and the test split's size. */
      readonly examples: number;
      readonly testExamples: number;
      readonly cleanAccuracy: number;
      /** Non-increasing in ε: an example that falls at one budget counts as fallen at every larger one. */
      readonly curve: readonly RobustnessPoint[];
      /** Budgets of the curve left out because the step's share of the run budget ran out. */
      readonly skippedEpsilons: readonly number[];
      readonly minimal?: MinimalPerturbation;
      readonly gate?: SecurityGate;
      readonly adversarialTraining?: AdversarialTrainingNote;
      readonly durationMs: number;
    };
