import { loadDataset, subsetDataset, type Dataset } from '../../data/dataset.ts';
import { stratifiedSample } from '../../data/stratified-sample.ts';

/** A stratified sample of a data set: at most `examples` of it, drawn with `seed` (stratifiedSample). */
export interface DatasetSample {
  readonly examples: number;
  readonly seed: number;
}

/**
 * Data sets loaded once per worker process and kept by folder (and sample), so consecutive
 * trials on the same data skip the read. A failed load is forgotten, so a later trial may retry it.
 */
export class DatasetCache {
  readonly #loaded = new Map<string, Promise<Dataset>>();

  has(dir: string, sample?: DatasetSample): boolean {
    return this.#loaded.has(keyOf(dir, sample));
  }

  get(dir: string, sample?: DatasetSample): Promise<Dataset> {
    const key = keyOf(dir, sample);
    let ds = this.#loaded.get(key);
    if (!ds) {
      ds = sample ? this.get(dir).then((all) => (sample.examples >= all.n ? all : subsetDataset(all, stratifiedSample(all, sample.examples, sample.seed)))) : loadDataset(dir);
      this.#loaded.set(key, ds);
      ds.catch(() => this.#loaded.delete(key));
    }
    return ds;
  }
}

function keyOf(dir: string, sample: DatasetSample | undefined): string {
  return sample ? `${dir}\0${sample.examples}\0${sample.seed}` : dir;
}
