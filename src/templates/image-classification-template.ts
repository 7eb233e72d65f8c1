import type { Template } from './template.ts';
import { supervisedPipeline, supervisedPublication } from './supervised-pipeline.ts';

/** Images (pixel columns, an image folder or IDX) → a class: scaled pixels, a small CNN. */
export const imageClassificationTemplate: Template = {
  task: 'image-classification',
  description: 'small CNN on scaled pixels, softmax cross-entropy',
  buildPipeline: (spec) => supervisedPipeline(spec, { family: 'cnn', taskKind: 'classification' }),
  publish: supervisedPublication,
};
