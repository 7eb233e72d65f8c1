import type { Template } from './template.ts';
import { supervisedPipeline, supervisedPublication } from './supervised-pipeline.ts';

/** Rows of numeric features → a class: standardised features, an MLP, softmax cross-entropy. */
export const tabularClassificationTemplate: Template = {
  task: 'tabular-classification',
  description: 'MLP on standardised numeric columns, softmax cross-entropy',
  buildPipeline: (spec) => supervisedPipeline(spec, { family: 'mlp', taskKind: 'classification' }),
  publish: supervisedPublication,
};
