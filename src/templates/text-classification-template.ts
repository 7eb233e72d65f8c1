import type { Template } from './template.ts';
import { supervisedPipeline, supervisedPublication } from './supervised-pipeline.ts';

/** A free-text column → a class: tokens with a vocabulary fitted on train, embeddings + pooling. */
export const textClassificationTemplate: Template = {
  task: 'text-classification',
  description: 'token embeddings with global pooling over the free-text column, softmax cross-entropy',
  buildPipeline: (spec) => supervisedPipeline(spec, { family: 'text-pool', taskKind: 'classification', text: true }),
  publish: supervisedPublication,
};
