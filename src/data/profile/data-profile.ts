import type { ColumnType } from '../table.ts';
import { FORMAT_VERSIONS } from '../../store/formats/format-versions.ts';

/**
 * The profile types: what `profileTable` and `profileImages` return, stored as the profile step's
 * JSON artifact and embedded in `data-profile.json`. Versioned because stored runs keep them.
 */
export const PROFILE_FORMAT_VERSION = FORMAT_VERSIONS.profile;

/** Exact quantiles (sorted copy, linear interpolation between order statistics, numpy's default). */
export interface Quantiles {
  readonly p1: number;
  readonly p5: number;
  readonly p25: number;
  readonly p50: number;
  readonly p75: number;
  readonly p95: number;
  readonly p99: number;
}

/** `counts[i]` values fall in [edges[i], edges[i+1]) (the last bin is closed). */
export interface Histogram {
  readonly edges: readonly number[];
  readonly counts: readonly number[];
}

/** Statistics over the finite values of a numeric sequence; NaN (missing) and ±Infinity are left out. */
export interface NumericStats {
  /** Finite values the statistics are over. */
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  /** Population standard deviation. */
  readonly std: number;
  readonly zeros: number;
  /** ±Infinity values (counted, not summarised). */
  readonly infinite: number;
  /** Exact count of distinct finite values. */
  readonly distinct: number;
  /** Every finite value is a whole number. */
  readonly integer: boolean;
  readonly quantiles: Quantiles;
  readonly histogram: Histogram;
}

export interface ValueCount {
  readonly value: string;
  readonly count: number;
}

/**
 * How strongly a feature goes with the target, on a 0..1 scale for every measure but Pearson's
 * (-1..1): `pearson` (numeric feature, numeric target), `eta` (the correlation ratio: numeric
 * feature with a class target, or a categorical feature with a numeric target; `f` is the one-way
 * ANOVA F statistic behind it), `cramers-v` (categorical feature, class target; bias-corrected).
 */
export interface TargetAssociation {
  readonly measure: 'pearson' | 'eta' | 'cramers-v';
  readonly value: number;
  /** One-way ANOVA F statistic (for `eta`). */
  readonly f?: number;
  /** Rows where both the feature and the target were present. */
  readonly n: number;
}

interface ColumnProfileBase {
  readonly name: string;
  readonly type: ColumnType;
  /** Rows in the table (present + missing). */
  readonly rows: number;
  readonly missing: number;
  readonly missingRate: number;
  readonly distinct: number;
  /** True for the target column. */
  readonly isTarget: boolean;
  /** Association with the target; absent for the target itself and where no measure applies. */
  readonly association?: TargetAssociation;
}

export interface NumericColumnProfile extends ColumnProfileBase {
  readonly type: 'numeric' | 'boolean' | 'date';
  readonly stats: NumericStats;
}

export interface CategoricalColumnProfile extends ColumnProfileBase {
  readonly type: 'categorical';
  /** Most frequent values, most frequent first. */
  readonly topValues: readonly ValueCount[];
  /** Present values not among `topValues`. */
  readonly otherCount: number;
}

export interface TokenCount extends ValueCount {
  /** The token's share of this class's tokens divided by its share of all tokens (1 = no preference). */
  readonly lift: number;
}

export interface TextStats {
  /** Characters per present value. */
  readonly characters: NumericStats;
  /** Tokens per present value (see tokenizeText). */
  readonly tokens: NumericStats;
  readonly vocabularySize: number;
  readonly topTokens: readonly ValueCount[];
  /** Most frequent tokens of each class, for class targets. */
  readonly topTokensPerClass?: readonly { readonly class: string; readonly tokens: readonly TokenCount[] }[];
}

export interface TextColumnProfile extends ColumnProfileBase {
  readonly type: 'text';
  readonly text: TextStats;
}

export type ColumnProfile = NumericColumnProfile | CategoricalColumnProfile | TextColumnProfile;

export interface ClassCount {
  readonly value: string;
  readonly count: number;
  readonly share: number;
}

/** The target's distribution: class balance for class targets, the value distribution otherwise. */
export type TargetProfile =
  | {
      readonly kind: 'class';
      readonly name: string;
      /** Every class, in class order (classes with no rows included, with count 0). */
      readonly classes: readonly ClassCount[];
      /** Rows of the largest class / rows of the smallest class present (1 = balanced). */
      readonly imbalanceRatio: number;
      readonly majority: string;
      readonly minority: string;
      /** Shannon entropy of the class shares / log(number of classes): 1 = balanced, near 0 = one class dominates. */
      readonly balance: number;
      readonly missing: number;
    }
  | { readonly kind: 'numeric'; readonly name: string; readonly stats: NumericStats; readonly missing: number };

/**
 * Rows identical to an earlier row, found by a 53-bit hash of each row's values (two independent
 * 32-bit lanes; a false match among a million distinct rows has probability about 1e-4).
 */
export interface DuplicateCounts {
  /** Rows that repeat an earlier row exactly (target included). */
  readonly rows: number;
  /**
   * Extra labels on repeated inputs: for each distinct input (features without the target), the
   * number of distinct targets it appears with, minus one, summed. 0 when every repeated input
   * always carries the same target.
   */
  readonly conflictingLabels: number;
}

export interface TableProfile {
  readonly formatVersion: typeof PROFILE_FORMAT_VERSION;
  readonly kind: 'table';
  readonly rows: number;
  readonly columns: readonly ColumnProfile[];
  readonly target: TargetProfile;
  readonly duplicates: DuplicateCounts;
  readonly dataVersion?: string;
}

export interface ChannelStats {
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
  readonly histogram: Histogram;
}

/** A few example images of one class, as a PNG strip (a data URI) for the report. */
export interface ClassSamples {
  readonly class: string;
  /** Indices of the examples shown, in the data set. */
  readonly indices: readonly number[];
  /** `data:image/png;base64,...`: the class's mean image, then the examples, left to right. */
  readonly png?: string;
}

export interface ImageProfile {
  readonly formatVersion: typeof PROFILE_FORMAT_VERSION;
  readonly kind: 'images';
  readonly count: number;
  /** Every example has this size (readers resize to one shape). */
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly channelStats: readonly ChannelStats[];
  /** Mean pixel value of each class's images, in class order (class targets only). */
  readonly classMeanIntensity?: readonly number[];
  readonly target: TargetProfile;
  /** Identical images (same pixels), and identical images carrying different labels. */
  readonly duplicates: DuplicateCounts;
  /** Images whose pixels all have one value (blank or corrupt). */
  readonly constantImages: number;
  readonly samples: readonly ClassSamples[];
  readonly dataVersion?: string;
}

export type DataProfile = TableProfile | ImageProfile;
