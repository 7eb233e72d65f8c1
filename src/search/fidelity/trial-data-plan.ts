/**
 * What "large data" means and what the search does about it. Above `examples` training examples,
 * a trial that trains on all of them spends its minutes on a few epochs of one configuration (on
 * 51,000 Fashion-MNIST images, 36 s per epoch on one core: 4 epochs in its 144 s, and 23 trials of
 * a 10-minute search gave one complete). Trials then train on a stratified sample of
 * `trainExamples` and are judged on `validationExamples` (enough to rank them: ±0.4 points at 90%
 * accuracy), which ranks configurations as well at a sixth of the cost; and since the final model
 * must still learn from every example, the search takes `searchShare` of a time budget (its
 * trials at most `trialShare`) and the final training the rest. On that bench the final training
 * runs about 30 s per epoch of 60,000 images on two cores: a 30% search left it 13 epochs (test
 * accuracy 0.918), a 20% one 15 (0.928; its 10 trials found a better configuration than the default).
 */
export const LARGE_DATA = Object.freeze({ examples: 20_000, trainExamples: 10_000, validationExamples: 5_000, searchShare: 0.2, trialShare: 0.08 });

/** `search.trialExamples`: `auto` (a sample above LARGE_DATA.examples), `all`, or the most a trial trains on. */
export type TrialExamplesSetting = 'auto' | 'all' | number;

export interface TrialDataPlan {
  /** The training examples each trial trains on (all of them: no sample). */
  readonly train: number;
  readonly validation: number;
  /** True when trials train on a sample. */
  readonly sampled: boolean;
  /** The search's and each trial's time when sampled under a time budget (ms); absent: the usual shares. */
  readonly searchMs?: number;
  readonly trialMs?: number;
  /** What was chosen and why, for the user; absent when trials see all the data. */
  readonly reason?: string;
}

export interface TrialDataInput {
  readonly train: number;
  readonly validation: number;
  readonly setting: TrialExamplesSetting;
  /** The run's whole time budget in ms, when it has one. */
  readonly budgetMs?: number;
}

export function trialDataPlan(input: TrialDataInput): TrialDataPlan {
  const cap = input.setting === 'all' ? Infinity : input.setting === 'auto' ? (input.train > LARGE_DATA.examples ? LARGE_DATA.trainExamples : Infinity) : input.setting;
  if (input.train <= cap) return { train: input.train, validation: input.validation, sampled: false };
  const train = cap;
  const validation = Math.min(input.validation, Math.max(LARGE_DATA.validationExamples, Math.ceil(cap / 2)));
  const timed = input.budgetMs !== undefined;
  const count = (n: number): string => n.toLocaleString('en-US');
  const said = [
    `each trial trains on ${count(train)} of ${count(input.train)} training examples and is judged on ${count(validation)} of ${count(input.validation)} (stratified samples)`,
    ...(timed ? [`the search takes ${Math.round(LARGE_DATA.searchShare * 100)}% of the budget and the final training, on all of them, the rest`] : []),
  ];
  return {
    train,
    validation,
    sampled: true,
    ...(timed && { searchMs: Math.round(LARGE_DATA.searchShare * input.budgetMs!), trialMs: Math.round(LARGE_DATA.trialShare * input.budgetMs!) }),
    reason: `large data (${count(input.train)} training examples${input.setting === 'auto' ? ` > ${count(LARGE_DATA.examples)}` : ''}): ${said.join('; ')}`,
  };
}
