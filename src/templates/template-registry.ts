import { Registry } from '../extensions/registry.ts';
import { imageClassificationTemplate } from './image-classification-template.ts';
import { tabularClassificationTemplate } from './tabular-classification-template.ts';
import { tabularRegressionTemplate } from './tabular-regression-template.ts';
import { textClassificationTemplate } from './text-classification-template.ts';
import { timeSeriesTemplate } from './time-series-template.ts';
import type { Template } from './template.ts';

/** Registers the templates deepline ships, exactly as a user's extension would register one. */
export function registerBuiltins(registry: Registry<Template>): Registry<Template> {
  for (const template of [tabularClassificationTemplate, tabularRegressionTemplate, imageClassificationTemplate, textClassificationTemplate, timeSeriesTemplate]) {
    registry.register(template.task, template);
  }
  return registry;
}

export function createTemplateRegistry(): Registry<Template> {
  return registerBuiltins(new Registry<Template>('template'));
}
