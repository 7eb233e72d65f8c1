import { balanceStep } from '../data/steps/balance-step.ts';
import { cleanStep } from '../data/steps/clean-step.ts';
import { ingestStep } from '../data/steps/ingest-step.ts';
import { ingestTableStep } from '../data/steps/ingest-table-step.ts';
import { labelNoiseStep } from '../train/steps/label-noise-step.ts';
import { normalizeStep } from '../data/steps/normalize-step.ts';
import { profileStep } from '../data/steps/profile-step.ts';
import { schemaStep } from '../data/steps/schema-step.ts';
import { splitStep } from '../data/steps/split-step.ts';
import { tableSplitStep } from '../data/steps/table-split-step.ts';
import { transformStep } from '../data/steps/transform-step.ts';
import { sourceFingerprint } from '../data/source-fingerprint.ts';
import { TABLE_FORMATS } from '../data/readers/data-formats.ts';
import { definePipeline, type Pipeline } from '../pipeline/pipeline.ts';
import type { Step } from '../pipeline/step.ts';
import type { TaskSpec } from '../task/task-spec.ts';
import { evaluationPublication, evaluationTail } from './evaluation-tail.ts';
import { modelStages } from './model-stages.ts';
import type { Publication } from './template.ts';

export interface SupervisedOptions {
  /** Model family for the modality ('mlp', 'cnn', 'text-pool'), or 'auto'. */
  readonly family: string;
  readonly taskKind: 'classification' | 'regression';
  /** Text classification: tokenise the free-text column instead of encoding columns. */
  readonly text?: boolean;
}

/**
 * The pipeline every supervised task shares. Tables (CSV/TSV/JSONL):
 *   ingest → profile, schema → clean → split → transform (fitted on train) → label-noise →
 *   balance → search → train (final) → evaluate → report, data-report
 * Datasets (images: pixel CSV with `data.image`, image folders, IDX; a plugin reader's format) skip the table stages:
 *   ingest → profile → split → normalize (fitted on train) → label-noise → balance → …
 * Cleaning comes before the split so a duplicate never sits in both train and test; everything
 * fitted (imputation, scaling, encodings, outlier dropping) is fitted on the training split.
 */
export async function supervisedPipeline(spec: TaskSpec, options: SupervisedOptions): Promise<Pipeline> {
  const isTable = isTableTask(spec);
  const data = isTable ? await tableStages(spec, options) : await datasetStages(spec, options);
  const classification = options.taskKind === 'classification';
  const noise = classification && spec.prepare.labelNoise !== 'none';
  const prepared = data.prepared;
  const model = modelStages(spec, { family: options.family, train: 'balance.train', validation: `${prepared}.validation`, balance: 'balance.balance', transform: `${prepared}.transform` });

  return definePipeline([
    ...data.steps,
    ...(noise ? [labelNoiseStep({ action: spec.prepare.labelNoise === 'drop' ? 'drop' : 'flag' }, { from: prepared })] : []),
    balanceStep({ mode: classification ? spec.prepare.balance : 'none' }, { from: noise ? 'label-noise' : prepared }),
    ...model.steps,
    ...evaluationTail(spec, { prepared, model, ...(noise && { labelNoise: 'label-noise.labelNoise' }), ...(isTable && { cleaning: 'clean.cleaning', rawTrain: 'split.train' }) }),
  ]);
}

interface DataStages {
  readonly steps: Step[];
  /** The step whose train/validation/test/transform outputs the model stages read. */
  readonly prepared: string;
}

async function tableStages(spec: TaskSpec, options: SupervisedOptions): Promise<DataStages> {
  const format = spec.data.format as 'csv' | 'tsv' | 'jsonl';
  const target = spec.data.target!;
  // Group and time columns organise the split; they are not features.
  // fromEntries defines own keys: assigning `exclude['__proto__']` would set the prototype instead.
  const exclude: Record<string, string> = Object.fromEntries([
    ...(spec.data.group ? [[spec.data.group, 'the group column (data.group) decides the split']] : []),
    ...(spec.data.time ? [[spec.data.time, 'the time column (data.time) orders the split']] : []),
  ]);
  return {
    prepared: 'transform',
    steps: [
      ingestTableStep({ source: { path: spec.data.path, format, target, ...(spec.data.header !== undefined && { header: spec.data.header }) }, fingerprint: await sourceFingerprint(spec.data.path), taskKind: options.taskKind }),
      profileStep({ targetKind: options.taskKind === 'classification' ? 'class' : 'numeric' }, { input: 'ingest.table' }),
      schemaStep({}, { input: 'ingest.table' }),
      cleanStep({ dropDuplicates: spec.prepare.dropDuplicates, outliers: spec.prepare.outliers }, { from: 'ingest' }),
      tableSplitStep(
        {
          fractions: spec.split,
          stratify: options.taskKind === 'classification',
          ...(spec.data.group && { group: spec.data.group }),
          ...(spec.data.time && { time: spec.data.time }),
        },
        { from: 'clean' },
      ),
      transformStep(
        {
          impute: spec.prepare.impute,
          targetKind: options.taskKind === 'classification' ? 'class' : 'numeric',
          // Balancing comes after label-noise detection (see balanceStep), so none here.
          balance: 'none',
          outliers: spec.prepare.outliers,
          exclude,
          ...(options.text && { textColumn: 'auto' }),
        },
        { from: 'split' },
      ),
    ],
  };
}

async function datasetStages(spec: TaskSpec, options: SupervisedOptions): Promise<DataStages> {
  return {
    prepared: 'normalize',
    steps: [
      ingestStep({
        source: {
          path: spec.data.path,
          format: spec.data.format,
          target: spec.data.target,
          image: spec.data.image,
          classes: spec.data.classes,
          taskKind: options.taskKind,
          ...(spec.data.header !== undefined && { header: spec.data.header }),
        },
        fingerprint: await sourceFingerprint(spec.data.path),
      }),
      profileStep({}, { input: 'ingest.dataset' }),
      splitStep({ fractions: spec.split, stratify: options.taskKind === 'classification' }),
      normalizeStep({ scaleTarget: options.taskKind === 'regression' }),
    ],
  };
}

/** What every supervised run publishes into its output folder: model, transform, schema, reports. */
export function supervisedPublication(spec: TaskSpec): Publication {
  const table = isTableTask(spec);
  return {
    ...evaluationPublication(spec, table ? 'transform' : 'normalize'),
    ...(table && { 'schema.schema': 'data-schema.json' }),
  };
}

/** A table read column by column; images, pixel tables (`data.image`) and plugin formats are read as datasets. */
function isTableTask(spec: TaskSpec): boolean {
  return (TABLE_FORMATS as readonly string[]).includes(spec.data.format) && spec.data.image === undefined;
}
