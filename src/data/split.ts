import { DeeplineError } from '../errors/index.ts';
import { subsetDataset, type Dataset } from './dataset.ts';
import { createSeededRandom } from './seeded-random.ts';

export interface SplitFractions {
  readonly train: number;
  readonly validation: number;
  readonly test: number;
}

export interface SplitOptions {
  readonly fractions: SplitFractions;
  readonly seed: number;
  /** Keep class proportions in every split (default: true for class targets). */
  readonly stratify?: boolean;
  /** The source's own test set: then only train/validation are cut, with renormalised fractions. */
  readonly predefinedTest?: Dataset;
}

export interface SplitIndices {
  readonly train: Int32Array;
  readonly validation: Int32Array;
  /** Empty when the test set is predefined. */
  readonly test: Int32Array;
}

export interface SplitSummary {
  readonly seed: number;
  /** Fractions actually used on `dataset` (train/validation renormalised when the test set is predefined). */
  readonly fractions: SplitFractions;
  readonly stratified: boolean;
  readonly testSource: 'split' | 'predefined';
  readonly counts: { train: number; validation: number; test: number };
  readonly classCounts?: ReadonlyArray<{ class: string; train: number; validation: number; test: number }>;
}

export interface SplitResult {
  readonly train: Dataset;
  readonly validation: Dataset;
  readonly test: Dataset;
  readonly summary: SplitSummary;
}

const PARTS = ['train', 'validation', 'test'] as const;

/** Cuts a data set into train/validation/test: deterministic given the seed, stratified by class. */
export function splitDataset(ds: Dataset, options: SplitOptions): SplitResult {
  if (options.predefinedTest) checkCompatible(ds, options.predefinedTest);
  const indices = splitIndices(ds, options);
  const fractions = effectiveFractions(options);
  const train = subsetDataset(ds, indices.train);
  const validation = subsetDataset(ds, indices.validation);
  const test = options.predefinedTest ?? subsetDataset(ds, indices.test);
  const stratified = isStratified(ds, options);
  const counts = { train: train.n, validation: validation.n, test: test.n };
  let classCounts: SplitSummary['classCounts'];
  if (ds.target.kind === 'class') {
    const k = ds.target.classes.length;
    const per = (part: Dataset): number[] => {
      const c = new Array<number>(k).fill(0);
      for (let i = 0; i < part.n; i++) c[part.y[i]]++;
      return c;
    };
    const [tr, va, te] = [per(train), per(validation), per(test)];
    classCounts = ds.target.classes.map((name, j) => ({ class: name, train: tr[j], validation: va[j], test: te[j] }));
  }
  return {
    train,
    validation,
    test,
    summary: {
      seed: options.seed,
      fractions,
      stratified,
      testSource: options.predefinedTest ? 'predefined' : 'split',
      counts,
      classCounts,
    },
  };
}

/**
 * The example indices of each split. Stratified: each class is shuffled and cut so every split
 * holds its fraction of that class to within one example, every class keeps at least one
 * training example, and split totals track the overall fractions. Each split comes out shuffled.
 */
export function splitIndices(ds: Pick<Dataset, 'n' | 'y' | 'target'>, options: SplitOptions): SplitIndices {
  const fractions = effectiveFractions(options);
  const f = PARTS.map((p) => fractions[p]);
  const rng = createSeededRandom(options.seed);
  const groups: number[][] = isStratified(ds, options) ? groupByClass(ds) : [Array.from({ length: ds.n }, (_, i) => i)];
  const out: number[][] = [[], [], []];
  const assigned = [0, 0, 0];
  const ideal = [0, 0, 0];
  for (const group of groups) {
    if (group.length === 0) continue;
    rng.shuffle(group);
    const counts = allocate(group.length, f, ideal, assigned);
    let at = 0;
    counts.forEach((count, s) => {
      out[s].push(...group.slice(at, at + count));
      at += count;
      assigned[s] += count;
      ideal[s] += group.length * f[s];
    });
  }
  const [train, validation, test] = out.map((part) => Int32Array.from(rng.shuffle(part)));
  return { train, validation, test };
}

/**
 * How many of a class's `n` examples go to each split: the floor of each share, then the leftover
 * examples to the splits furthest behind their running ideal total, so the per-class counts stay
 * within one of n·f while the split totals do not drift as classes add up.
 */
function allocate(n: number, f: number[], ideal: number[], assigned: number[]): number[] {
  const counts = f.map((fs) => Math.floor(n * fs));
  let left = n - counts.reduce((a, b) => a + b, 0);
  const behind = f.map((fs, s) => ideal[s] + n * fs - (assigned[s] + counts[s]));
  const order = [0, 1, 2].filter((s) => f[s] > 0).sort((a, b) => behind[b] - behind[a] || a - b);
  for (const s of order) {
    if (left === 0) break;
    counts[s]++;
    left--;
  }
  // A class absent from training can never be predicted; take its one example from the largest other split.
  if (counts[0] === 0) {
    const donor = counts[1] >= counts[2] ? 1 : 2;
    counts[donor]--;
    counts[0]++;
  }
  return counts;
}

function groupByClass(ds: Pick<Dataset, 'n' | 'y' | 'target'>): number[][] {
  const k = ds.target.kind === 'class' ? ds.target.classes.length : 0;
  const groups = Array.from({ length: k }, () => [] as number[]);
  for (let i = 0; i < ds.n; i++) groups[ds.y[i]].push(i);
  return groups;
}

function isStratified(ds: Pick<Dataset, 'target'>, options: SplitOptions): boolean {
  return ds.target.kind === 'class' && options.stratify !== false;
}

function effectiveFractions(options: SplitOptions): SplitFractions {
  const { train, validation, test } = options.fractions;
  for (const [name, v] of Object.entries(options.fractions)) {
    if (!Number.isFinite(v) || v < 0 || v > 1) {
      throw splitError(`split.${name} must be a fraction between 0 and 1, but got ${v}`, `split.${name}`);
    }
  }
  if (Math.abs(train + validation + test - 1) > 1e-6) {
    throw splitError(`split fractions must add up to 1, but train + validation + test = ${train + validation + test}`, 'split');
  }
  if (train === 0) throw splitError('split.train must be > 0: the model needs training data', 'split.train');
  if (!options.predefinedTest) return { train, validation, test };
  // The source brings its own test set, so the test share goes back to train and validation.
  return { train: train / (train + validation), validation: validation / (train + validation), test: 0 };
}

function checkCompatible(ds: Dataset, test: Dataset): void {
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  if (!same(ds.featureShape, test.featureShape) || !same(ds.target, test.target)) {
    throw new DeeplineError(
      'DL_DATA_FORMAT',
      `the predefined test set (shape [${test.featureShape.join(', ')}], target ${test.target.name}) does not match the data (shape [${ds.featureShape.join(', ')}], target ${ds.target.name})`,
      { hint: 'the test files must hold the same kind of examples and labels as the training files' },
    );
  }
}

function splitError(message: string, field: string): DeeplineError {
  return new DeeplineError('DL_TASK_FIELD', message, {
    hint: 'e.g. split: { train: 0.7, validation: 0.15, test: 0.15 }',
    location: { field },
  });
}
