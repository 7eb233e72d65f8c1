import { DeeplineError } from '../errors/index.ts';
import { didYouMean } from '../extensions/did-you-mean.ts';
import { subsetDataset, type Dataset } from './dataset.ts';
import { createSeededRandom } from '../seed/seeded-random.ts';
import { subsetTable, type Column, type Table } from './table.ts';
import { cellSyntax } from './readers/cell-syntax.ts';

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

function effectiveFractions(options: Pick<SplitOptions, 'fractions' | 'predefinedTest'>): SplitFractions {
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

// ---------------------------------------------------------------------------------------------
// Tables: stratified, group-aware and time-ordered splits, as index functions over a raw Table.

export type SplitStrategy = 'random' | 'stratified' | 'group' | 'stratified-group' | 'time' | 'group-time';

export interface TableSplitOptions {
  readonly fractions: SplitFractions;
  readonly seed: number;
  /** Keep class proportions (default: true unless the target column is numeric or a date). */
  readonly stratify?: boolean;
  /** Rows sharing a value of this column always land in the same split. */
  readonly group?: string;
  /** Split in time order by this column: train the earliest rows, then validation, then test. */
  readonly time?: string;
}

export interface TableSplitSummary extends SplitSummary {
  readonly strategy: SplitStrategy;
  readonly group?: {
    readonly column: string;
    /** Distinct group values per split. */
    readonly groups: { train: number; validation: number; test: number };
    /** Rows without a group value; each is treated as a group of its own (not counted in `groups`). */
    readonly rowsWithoutGroup: number;
  };
  /** Earliest and latest time of each split, ISO 8601 for date columns, numbers otherwise. */
  readonly time?: { readonly column: string; readonly ranges: Readonly<Record<'train' | 'validation' | 'test', readonly [string, string] | null>> };
}

export interface TableSplitResult {
  readonly train: Table;
  readonly validation: Table;
  readonly test: Table;
  readonly summary: TableSplitSummary;
}

/**
 * Cuts a raw table into train/validation/test, deterministically for a seed. With `time`, rows
 * go in time order (by group start when `group` is given too); with `group`, whole groups are
 * assigned, stratified by class as far as whole groups allow; otherwise as `splitIndices`.
 */
export function splitTable(table: Table, options: TableSplitOptions): TableSplitResult {
  const { indices, strategy } = tableSplitIndices(table, options);
  const fractions = effectiveFractions(options);
  const parts = { train: subsetTable(table, indices.train), validation: subsetTable(table, indices.validation), test: subsetTable(table, indices.test) };
  const labels = classLabels(table);
  let classCounts: SplitSummary['classCounts'];
  if (labels) {
    const count = (idx: Int32Array): number[] => {
      const c = new Array<number>(labels.names.length).fill(0);
      for (const i of idx) c[labels.ids[i]]++;
      return c;
    };
    const [tr, va, te] = [count(indices.train), count(indices.validation), count(indices.test)];
    classCounts = labels.names.map((name, j) => ({ class: name, train: tr[j], validation: va[j], test: te[j] }));
  }
  let group: TableSplitSummary['group'];
  if (options.group !== undefined) {
    const keys = groupKeys(table, options.group);
    const distinct = (idx: Int32Array): number => new Set(Array.from(idx, (i) => keys[i]).filter((k) => k >= 0)).size;
    group = {
      column: options.group,
      groups: { train: distinct(indices.train), validation: distinct(indices.validation), test: distinct(indices.test) },
      rowsWithoutGroup: keys.filter((k) => k < 0).length,
    };
  }
  let time: TableSplitSummary['time'];
  if (options.time !== undefined) {
    const col = requireColumn(table, options.time, 'data.time');
    const times = timeValues(table, options.time);
    const show = (v: number): string => (col.type === 'date' ? new Date(v).toISOString() : String(v));
    const range = (idx: Int32Array): readonly [string, string] | null => {
      if (idx.length === 0) return null;
      let lo = Infinity;
      let hi = -Infinity;
      for (const i of idx) {
        lo = Math.min(lo, times[i]);
        hi = Math.max(hi, times[i]);
      }
      return [show(lo), show(hi)];
    };
    time = { column: options.time, ranges: { train: range(indices.train), validation: range(indices.validation), test: range(indices.test) } };
  }
  return {
    ...parts,
    summary: {
      seed: options.seed,
      fractions,
      stratified: strategy === 'stratified' || strategy === 'stratified-group',
      testSource: 'split',
      counts: { train: indices.train.length, validation: indices.validation.length, test: indices.test.length },
      classCounts,
      strategy,
      group,
      time,
    },
  };
}

/** The row indices of each split of a table, and the strategy that made them (see `splitTable`). */
export function tableSplitIndices(table: Table, options: TableSplitOptions): { indices: SplitIndices; strategy: SplitStrategy } {
  const fractions = effectiveFractions(options);
  const target = table.columns.find((c) => c.name === table.target);
  const stratify = (options.stratify ?? (target !== undefined && target.type !== 'numeric' && target.type !== 'date')) && target !== undefined;
  const labels = stratify ? classLabels(table) : undefined;
  if (options.time !== undefined) {
    const times = timeValues(table, options.time);
    const groups = options.group !== undefined ? groupKeys(table, options.group) : undefined;
    return { indices: timeSplitIndices(times, fractions, groups), strategy: groups ? 'group-time' : 'time' };
  }
  if (options.group !== undefined) {
    const keys = groupKeys(table, options.group);
    const indices = groupSplitIndices(keys, labels?.ids, { fractions, seed: options.seed });
    return { indices, strategy: labels ? 'stratified-group' : 'group' };
  }
  const pseudo = {
    n: table.n,
    y: labels ? Float32Array.from(labels.ids) : new Float32Array(table.n),
    target: labels ? { kind: 'class' as const, name: table.target, classes: labels.names } : { kind: 'numeric' as const, name: table.target },
  };
  return { indices: splitIndices(pseudo, { fractions, seed: options.seed, stratify: labels !== undefined }), strategy: labels ? 'stratified' : 'random' };
}

/**
 * Assigns whole groups (`keys[i]` is row i's group; a negative key is a group of its own) to
 * splits. Groups go largest first (ties in seeded random order), each to the split where it
 * most reduces the L1 distance between the split's per-class counts and their targets
 * (fraction · class total); with no `labels`, to the split furthest from its row target. A
 * validation or test split left without a group takes the smallest training group, when
 * training has two or more.
 */
export function groupSplitIndices(keys: Int32Array, labels: Int32Array | undefined, options: { fractions: SplitFractions; seed: number }): SplitIndices {
  const f = PARTS.map((p) => options.fractions[p]);
  // A loop, not Math.max(...labels): spreading a million labels would overflow the stack.
  const k = labels ? labels.reduce((m, c) => Math.max(m, c), 0) + 1 : 1;
  const members = new Map<number, number[]>();
  let single = -1;
  keys.forEach((key, i) => {
    const id = key < 0 ? single-- : key;
    const list = members.get(id);
    if (list) list.push(i);
    else members.set(id, [i]);
  });
  const rng = createSeededRandom(options.seed);
  const groups = rng.shuffle([...members.values()]).sort((a, b) => b.length - a.length);
  const total = new Array<number>(k).fill(0);
  for (let i = 0; i < keys.length; i++) total[labels ? labels[i] : 0]++;
  const target = f.map((fs) => total.map((t) => fs * t));
  const assigned = f.map(() => new Array<number>(k).fill(0));
  const placed: number[][][] = [[], [], []];
  for (const g of groups) {
    const hist = new Array<number>(k).fill(0);
    for (const i of g) hist[labels ? labels[i] : 0]++;
    let best = -1;
    let bestDelta = Infinity;
    let bestNeed = -Infinity;
    for (let s = 0; s < 3; s++) {
      if (f[s] === 0) continue;
      let delta = 0;
      let need = 0;
      for (let c = 0; c < k; c++) {
        delta += Math.abs(assigned[s][c] + hist[c] - target[s][c]) - Math.abs(assigned[s][c] - target[s][c]);
        need += target[s][c] - assigned[s][c];
      }
      if (delta < bestDelta - 1e-9 || (Math.abs(delta - bestDelta) <= 1e-9 && need > bestNeed)) {
        best = s;
        bestDelta = delta;
        bestNeed = need;
      }
    }
    placed[best].push(g);
    for (let c = 0; c < k; c++) assigned[best][c] += hist[c];
  }
  for (const s of [1, 2]) {
    if (f[s] > 0 && placed[s].length === 0 && placed[0].length >= 2) {
      // Groups went in largest first, so the last one in train is its smallest.
      placed[s].push(placed[0].pop()!);
    }
  }
  const [train, validation, test] = placed.map((gs) => Int32Array.from(rng.shuffle(gs.flat())));
  return { train, validation, test };
}

/**
 * Time order: rows sorted by `times` (ties by row order) and cut at the fractions, so every
 * training time ≤ every validation time ≤ every test time. With `groups`, whole groups are
 * placed in order of their earliest row, each in the split its middle row falls in. Splits
 * keep time order inside (no shuffle): later steps may window them as series.
 */
export function timeSplitIndices(times: Float64Array, fractions: SplitFractions, groups?: Int32Array): SplitIndices {
  const n = times.length;
  const cut1 = Math.round(n * fractions.train);
  const cut2 = fractions.test === 0 ? n : Math.round(n * (fractions.train + fractions.validation));
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => times[a] - times[b] || a - b);
  if (!groups) {
    return { train: Int32Array.from(order.slice(0, cut1)), validation: Int32Array.from(order.slice(cut1, cut2)), test: Int32Array.from(order.slice(cut2)) };
  }
  const members = new Map<number, number[]>();
  let single = -1;
  for (const i of order) {
    const id = groups[i] < 0 ? single-- : groups[i];
    const list = members.get(id);
    if (list) list.push(i);
    else members.set(id, [i]);
  }
  const out: number[][] = [[], [], []];
  let at = 0;
  // Map iteration follows insertion, which followed time order: groups come by their earliest row.
  for (const rows of members.values()) {
    const middle = at + rows.length / 2;
    out[middle < cut1 ? 0 : middle < cut2 ? 1 : 2].push(...rows);
    at += rows.length;
  }
  const byTime = (rows: number[]): Int32Array => Int32Array.from(rows.sort((a, b) => times[a] - times[b] || a - b));
  return { train: byTime(out[0]), validation: byTime(out[1]), test: byTime(out[2]) };
}

/** Class id per row of the target column (a missing label is a class of its own), or undefined without a target. */
function classLabels(table: Table): { ids: Int32Array; names: string[] } | undefined {
  const col = table.columns.find((c) => c.name === table.target);
  if (!col || col.type === 'date') return undefined;
  const ids = new Int32Array(table.n);
  const index = new Map<string, number>();
  for (let i = 0; i < table.n; i++) {
    const key = valueKey(col, i) ?? '(missing)';
    let id = index.get(key);
    if (id === undefined) index.set(key, (id = index.size));
    ids[i] = id;
  }
  return { ids, names: [...index.keys()] };
}

/** Group id per row of `name`: equal values share an id, a missing value gets -1. */
function groupKeys(table: Table, name: string): Int32Array {
  const col = requireColumn(table, name, 'data.group');
  const keys = new Int32Array(table.n);
  const index = new Map<string, number>();
  for (let i = 0; i < table.n; i++) {
    const key = valueKey(col, i);
    if (key === undefined) {
      keys[i] = -1;
      continue;
    }
    let id = index.get(key);
    if (id === undefined) index.set(key, (id = index.size));
    keys[i] = id;
  }
  return keys;
}

function timeValues(table: Table, name: string): Float64Array {
  const col = requireColumn(table, name, 'data.time');
  const times = new Float64Array(table.n);
  const bad: number[] = [];
  for (let i = 0; i < table.n; i++) {
    const raw = col.type === 'numeric' || col.type === 'date' ? col.values[i] : (cellSyntax.date(valueKey(col, i) ?? '') ?? NaN);
    if (Number.isFinite(raw)) times[i] = raw;
    else bad.push(table.sourceRows[i]);
  }
  if (bad.length > 0) {
    throw new DeeplineError('DL_DATA_VALUE', `the time column ${name} has no usable time in ${bad.length} row(s) (rows ${bad.slice(0, 10).join(', ')}${bad.length > 10 ? ', ...' : ''})`, {
      hint: 'a time-ordered split needs a date (e.g. 2021-03-04T10:30:00Z) or a number in every row; fill in or remove those rows',
      location: { field: name, row: bad[0] },
    });
  }
  return times;
}

function valueKey(col: Column, i: number): string | undefined {
  if (col.type === 'categorical') return col.codes[i] < 0 ? undefined : col.categories[col.codes[i]];
  if (col.type === 'text') return col.values[i] === null || col.values[i] === '' ? undefined : col.values[i]!;
  return Number.isNaN(col.values[i]) ? undefined : String(col.values[i]);
}

function requireColumn(table: Table, name: string, field: string): Column {
  const col = table.columns.find((c) => c.name === name);
  if (col) return col;
  const names = table.columns.map((c) => c.name);
  const suggestion = didYouMean(name, names);
  throw new DeeplineError('DL_TASK_FIELD', `${field} names the column ${name}, which is not in the data${suggestion ? ` (did you mean ${suggestion}?)` : ''}`, {
    hint: `use one of: ${names.join(', ')}`,
    location: { field },
  });
}
