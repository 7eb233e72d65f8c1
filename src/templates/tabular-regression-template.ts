import type { Template } from './template.ts';
import { supervisedPipeline, supervisedPublication } from './supervised-pipeline.ts';

/** Rows of numeric features → a number: standardised features and target, an MLP, MSE. */
export const tabularRegressionTemplate: Template = {
  task: 'tabular-regression',
  description: 'MLP on standardised numeric columns and target, mean squared error',
  buildPipeline: (spec) => supervisedPipeline(spec, { family: 'mlp', taskKind: 'regression' }),
  publish: supervisedPublication,
};
