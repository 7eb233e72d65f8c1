import type { Dataset } from '../dataset.ts';

export type TaskKind = 'classification' | 'regression';

/** Pixel grid the examples are reshaped or resized to. */
export interface ImageShape {
  readonly width: number;
  readonly height: number;
  /** 1 = grayscale, 3 = RGB. */
  readonly channels: 1 | 3;
}

/** Where the data is and how to read it, as the task file describes it. */
export interface DataSource {
  /** A file (CSV/TSV, image list) or a folder (image folder, IDX files). */
  readonly path: string;
  /** Registry key of the reader: 'csv', 'tsv', 'image-folder', 'image-list', 'idx'. */
  readonly format: string;
  /** Target column name (tabular formats; the label column of an image list, default `label`). */
  readonly target?: string;
  readonly image?: ImageShape;
  /** Class names in index order; when absent, the labels found, sorted naturally. */
  readonly classes?: readonly string[];
  readonly taskKind: TaskKind;
  /** Read at most this many examples (per set), for quick trial runs. */
  readonly limit?: number;
  /** CSV/TSV and image lists: the 1-based line of the header (data.header); the lines above it are skipped. */
  readonly header?: number;
}

/** Same shape as a step's progress, so a step can forward it as is. */
export interface ReadProgress {
  done: number;
  total: number;
  unit: string;
}

export interface ReadOptions {
  onProgress?: (p: ReadProgress) => void;
  signal?: AbortSignal;
}

export interface ReadResult {
  dataset: Dataset;
  /** A test set the source itself defines (e.g. IDX `t10k-*` files); splitting then leaves it alone. */
  test?: Dataset;
  /** Things the user should know but that do not stop the run (skipped files, resized images, ...). */
  warnings: string[];
}

/**
 * One data format. Readers validate what they read and throw a DeeplineError (DL_DATA_*) that
 * names the file, row, column or value at fault (DL_DATA_MISSING for a path that does not
 * exist); they never return partial data, and reject when `signal` is aborted.
 * `readerConformance` checks every reader against this.
 */
export interface DataReader {
  readonly name: string;
  readonly description: string;
  read(source: DataSource, options?: ReadOptions): Promise<ReadResult>;
}
