import { loadDataset, type Dataset } from '../../data/dataset.ts';

/**
 * Data sets loaded once per worker process and kept by folder, so consecutive trials on the
 * same data skip the read. A failed load is forgotten, so a later trial may retry it.
 */
export class DatasetCache {
  readonly #loaded = new Map<string, Promise<Dataset>>();

  has(dir: string): boolean {
    return this.#loaded.has(dir);
  }

  get(dir: string): Promise<Dataset> {
    let ds = this.#loaded.get(dir);
    if (!ds) {
      ds = loadDataset(dir);
      this.#loaded.set(dir, ds);
      ds.catch(() => this.#loaded.delete(dir));
    }
    return ds;
  }
}
