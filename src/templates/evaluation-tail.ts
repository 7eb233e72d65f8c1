import { dataReportStep } from '../data/steps/data-report-step.ts';
import { evaluateStep } from '../evaluate/steps/evaluate-step.ts';
import { reportStep } from '../evaluate/steps/report-step.ts';
import { exportFileName } from '../deploy/exporters/exporter.ts';
import { exportStep } from '../deploy/steps/export-step.ts';
import { compressStep } from '../compress/steps/compress-step.ts';
import { robustnessStep } from '../security/steps/robustness-step.ts';
import { securityGateStep } from '../security/steps/security-gate-step.ts';
import { monitorReferenceStep } from '../monitor/steps/monitor-reference-step.ts';
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
  /** The raw training table (tables): the monitoring reference keeps its columns. */
  readonly rawTrain?: string;
}

/**
 * The stages every template ends with, after its model stages:
 *   evaluate (the final model on test), robustness (accuracy under attack, unless
 *   `security.enabled: false`) → security-gate (with `security.minRobustAccuracy`), export (each
 *   of `spec.export`, checked on test examples) → report (run report) and data-report.
 */
export function evaluationTail(spec: TaskSpec, wiring: EvaluationTailWiring): Step[] {
  const { prepared, model } = wiring;
  return [
    evaluateStep({}, { inputs: { test: `${prepared}.test`, transform: `${prepared}.transform` } }),
    monitorReferenceStep({ seed: spec.seed }, { inputs: { test: `${prepared}.test`, transform: `${prepared}.transform`, ...(wiring.rawTrain && { rawTrain: wiring.rawTrain }) } }),
    ...securitySteps(spec, prepared),
    ...spec.export.map((exporter) => exportStep({ exporter, properties: { task: spec.task, name: spec.name } }, { inputs: { test: `${prepared}.test` } })),
    ...compressSteps(spec, prepared),
    reportStep(
      { taskName: spec.name, taskType: spec.task },
      {
        inputs: {
          train: `${prepared}.train`,
          validation: `${prepared}.validation`,
          test: `${prepared}.test`,
          transform: `${prepared}.transform`,
          genome: model.genome,
          ...(model.study && { study: model.study, ensemble: 'train.ensemble' }),
          ...(spec.security.enabled && { robustness: 'robustness.robustness' }),
          ...(spec.compress && { compression: 'compress.summary' }),
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

/** The robustness step (and the release gate, when the task sets one), or none with `security.enabled: false`. */
function securitySteps(spec: TaskSpec, prepared: string): Step[] {
  const { security } = spec;
  if (!security.enabled) return [];
  const gate = security.epsilon !== undefined && security.minRobustAccuracy !== undefined ? { epsilon: security.epsilon, minRobustAccuracy: security.minRobustAccuracy } : undefined;
  const adversarial = spec.train.adversarial;
  return [
    robustnessStep(
      {
        attack: security.attack,
        ...(security.attackOptions !== undefined && { attackOptions: security.attackOptions }),
        epsilons: security.epsilons,
        examples: security.examples,
        ...(gate && { gate }),
        ...(adversarial && { adversarialTraining: { attack: adversarial.attack, epsilon: adversarial.epsilon, steps: adversarial.steps } }),
        ...(spec.budget.minutes !== undefined && { budgetMinutes: spec.budget.minutes }),
      },
      { inputs: { train: `${prepared}.train`, test: `${prepared}.test`, transform: `${prepared}.transform` } },
    ),
    ...(gate ? [securityGateStep()] : []),
  ];
}

/**
 * The compress step, with `compress` in the task: the trained model pruned and quantized as asked
 * (or the best variant within tolerance), in TF.js and, when exported, ONNX.
 */
function compressSteps(spec: TaskSpec, prepared: string): Step[] {
  const { compress } = spec;
  if (!compress) return [];
  return [
    compressStep(
      {
        mode: compress.mode,
        ...(compress.prune && { prune: compress.prune }),
        quantize: compress.quantize,
        tolerance: compress.tolerance,
        prefer: compress.prefer,
        formats: ['tfjs', ...(spec.export.includes('onnx') ? ['onnx'] : [])],
        fineTune: { epochs: compress.fineTuneEpochs, batchSize: spec.train.batchSize, learningRate: spec.train.learningRate },
        batch: compress.batch,
        ...(spec.budget.minutes !== undefined && { budgetMinutes: spec.budget.minutes }),
        properties: { task: spec.task, name: spec.name },
      },
      { inputs: { train: `${prepared}.train`, validation: `${prepared}.validation`, test: `${prepared}.test`, transform: `${prepared}.transform` } },
    ),
  ];
}

/**
 * What every template publishes into the output folder: model, transform, metrics, study, reports.
 * With `compress`, `model/` and `model.onnx` are the chosen compressed variant (what `deepline
 * serve` and `deepline package` read), the float model is `model-float/` and `model-float.onnx`,
 * and `compression.json` holds every variant's figures.
 */
export function evaluationPublication(spec: TaskSpec, prepared: string): Publication {
  const compressed = spec.compress !== undefined;
  // The compress step writes ONNX (as the onnx exporter does) and TF.js: those two take the float model's names.
  const floatName = (exporter: string): string => (compressed && exporter === 'onnx' ? 'model-float.onnx' : exportFileName(exporter));
  return {
    'train.model': compressed ? 'model-float' : 'model',
    ...(compressed && { 'compress.model': 'model', 'compress.summary': 'compression.json', ...(spec.export.includes('onnx') && { 'compress.onnx': exportFileName('onnx') }) }),
    [`${prepared}.transform`]: 'transform.json',
    'evaluate.metrics': 'metrics.json',
    'monitor-reference.reference': 'monitor-reference.json',
    ...(spec.security.enabled && { 'robustness.robustness': 'robustness.json' }),
    ...(spec.search.enabled && { 'search.study': 'study.json', 'train.ensemble': 'ensemble.json' }),
    ...Object.fromEntries(spec.export.flatMap((exporter) => [[`export-${exporter}.file`, floatName(exporter)], [`export-${exporter}.check`, `export-${exporter}.json`]])),
    'report.report': '.',
    'data-report.report': '.',
  };
}
