import type { Dataset } from '../data/dataset.ts';
import type { Modality } from './families/model-family.ts';
import { modalityOfShape } from './modality-of-shape.ts';

/**
 * What kind of model a data set calls for. Token ids and time-series windows say so themselves
 * (their shapes look like tabular rows and images); otherwise the example shape decides.
 */
export function modalityOfDataset(ds: Pick<Dataset, 'featureShape' | 'tokens' | 'series'>): Modality {
  if (ds.tokens) return 'text';
  if (ds.series) return 'series';
  return modalityOfShape(ds.featureShape);
}
