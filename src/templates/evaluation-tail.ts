import { dataReportStep } from '../data/steps/data-report-step.ts';
import { evaluateStep } from '../evaluate/steps/evaluate-step.ts';
import { reportStep } from '../evaluate/steps/report-step.ts';
import { exportFileName } from '../deploy/exporters/exporter.ts';
import { exportStep } from '../deploy/steps/export-step.ts';
import type { Step } from '../pipeline/step.ts';
import type { TaskSpec } from '../task/task-spec.ts';
import type { ModelStages } from './model-stages.ts';
import type { Publication } from './template.ts';

export interface EvaluationTailWiring {
  /** The step whose train/validation/test/transform outputs the model was trained and is tested on. */
  readonly prepared: string;
  readonly model: ModelStages;
  /** Optional sections of the data report: the label-noise and cleaning steps' outputs. */
  readonly labelNoise?: string;
  readonly cleaning?: string;
}

/**
 * The stages every template ends with, after its model stages:
 *   evaluate (the final model on test), export (each of `spec.export`, checked on test examples)
 *   → report (run report) and data-report.
 */
export function evaluationTail(spec: TaskSpec, wiring: EvaluationTailWiring): Step[] {
  const { prepared, model } = wiring;
  return [
    evaluateStep({}, { inputs: { test: `${prepared}.test`, transform: `${prepared}.transform` } }),
    ...spec.export.map((exporter) => exportStep({ exporter, properties: { task: spec.task, name: spec.name } }, { inputs: { test: `${prepared}.test` } })),
    reportStep(
      { taskName: spec.name, taskType: spec.task },
      {
        inputs: {
          train: `${prepared}.train`,
          validation: `${prepared}.validation`,
          test: `${prepared}.test`,
          transform: `${prepared}.transform`,
          genome: model.genome,
          ...(model.study && { study: model.study }),
        },
      },
    ),
    dataReportStep(
      { title: spec.name },
      {
        inputs: {
          profile: 'profile.profile',
          ...(wiring.labelNoise && { labelNoise: wiring.labelNoise }),
          ...(wiring.cleaning && { cleaning: wiring.cleaning }),
          summary: 'ingest.summary',
        },
      },
    ),
  ];
}

/** What every template publishes into the output folder: model, transform, metrics, study, reports. */
export function evaluationPublication(spec: TaskSpec, prepared: string): Publication {
  return {
    'train.model': 'model',
    [`${prepared}.transform`]: 'transform.json',
    'evaluate.metrics': 'metrics.json',
    ...(spec.search.enabled && { 'search.study': 'study.json' }),
    ...Object.fromEntries(spec.export.flatMap((exporter) => [[`export-${exporter}.file`, exportFileName(exporter)], [`export-${exporter}.check`, `export-${exporter}.json`]])),
    'report.report': '.',
    'data-report.report': '.',
  };
}
