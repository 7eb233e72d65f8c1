import { DeeplineError } from '../errors/index.ts';
import type { Modality } from './families/model-family.ts';

/** The modality an example shape implies: one axis is a tabular row, two or three an image. */
export function modalityOfShape(featureShape: readonly number[]): Modality {
  if (featureShape.length === 1) return 'tabular';
  if (featureShape.length === 2 || featureShape.length === 3) return 'image';
  throw new DeeplineError('DL_DATA_FORMAT', `examples of shape [${featureShape.join(', ')}] are neither tabular rows nor images`, {
    hint: 'tabular data must have one feature axis; images [height, width] or [height, width, channels]',
  });
}
