import type { Dataset } from '../dataset.ts';
import type { LabelIssueResult } from './find-label-issues.ts';
import type { LabelIssueMethod } from './select-label-issues.ts';
import { FORMAT_VERSIONS } from '../../store/formats/format-versions.ts';

export const LABEL_NOISE_REPORT_VERSION = FORMAT_VERSIONS.labelNoiseReport;

/** The `labelNoise` artifact: what was checked, what looks mislabelled, what was done about it. */
export interface LabelNoiseReport {
  readonly formatVersion: typeof LABEL_NOISE_REPORT_VERSION;
  readonly action: 'flag' | 'drop';
  readonly method: LabelIssueMethod;
  /** The per-fold model's name. */
  readonly model: string;
  readonly folds: number;
  /** Why no check ran (a numeric target, too few examples); then every count is 0. */
  readonly skipped?: string;
  readonly examined: number;
  readonly flagged: number;
  /** Suspects removed from `train` (0 unless action is `drop`). */
  readonly dropped: number;
  readonly outOfFoldAccuracy?: number;
  readonly classes: ReadonlyArray<{ readonly name: string; readonly count: number; readonly flagged: number; readonly threshold: number | null }>;
  /** Most suspicious first; `index` is the position in the step's input, `sourceRow` the row in the data file. */
  readonly suspects: ReadonlyArray<{
    readonly index: number;
    readonly sourceRow?: number;
    readonly given: string;
    readonly predicted: string;
    readonly confidence: number;
    readonly selfConfidence: number;
    readonly margin: number;
  }>;
}

interface ReportSettings {
  readonly action: 'flag' | 'drop';
  readonly method: LabelIssueMethod;
  readonly model: string;
  readonly folds: number;
}

/**
 * The report for a data set that was checked, or (given a reason instead of a result) one that
 * could not be. Probabilities are rounded: the report is for people.
 */
export function labelNoiseReport(dataset: Dataset, settings: ReportSettings, outcome: LabelIssueResult | { readonly skipped: string }): LabelNoiseReport {
  if ('skipped' in outcome) {
    return { formatVersion: LABEL_NOISE_REPORT_VERSION, ...settings, skipped: outcome.skipped, examined: dataset.n, flagged: 0, dropped: 0, classes: [], suspects: [] };
  }
  const result = outcome;
  const names = dataset.target.kind === 'class' ? dataset.target.classes : [];
  const count = new Array<number>(names.length).fill(0);
  const flagged = new Array<number>(names.length).fill(0);
  for (const label of dataset.y) count[label]++;
  for (const s of result.suspects) flagged[s.given]++;
  const round = (p: number): number => Math.round(p * 1e4) / 1e4;
  return {
    formatVersion: LABEL_NOISE_REPORT_VERSION,
    ...settings,
    examined: dataset.n,
    flagged: result.suspects.length,
    dropped: settings.action === 'drop' ? result.suspects.length : 0,
    outOfFoldAccuracy: round(result.outOfFoldAccuracy),
    classes: names.map((name, c) => ({
      name,
      count: count[c],
      flagged: flagged[c],
      threshold: Number.isNaN(result.perClassThreshold[c]) ? null : round(result.perClassThreshold[c]),
    })),
    suspects: result.suspects.map((s) => ({
      index: s.index,
      ...(s.sourceRow !== undefined && { sourceRow: s.sourceRow }),
      given: names[s.given],
      predicted: names[s.predicted],
      confidence: round(s.confidence),
      selfConfidence: round(s.selfConfidence),
      margin: round(s.margin),
    })),
  };
}
