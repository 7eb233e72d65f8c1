import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { targetScalerOf } from '../../data/transform/target-scaler.ts';
import { getDataset } from '../../data/steps/dataset-artifact.ts';
import { defineStep, type Step } from '../../pipeline/step.ts';
import type { StudySummary } from '../../search/study-summary.ts';
import type { ArtifactRef } from '../../store/artifacts/artifact-store.ts';
import type { TrainingHistory } from '../../train/training-history.ts';
import type { EvaluationMetrics } from '../evaluation-metrics.ts';
import type { RobustnessSummary } from '../robustness-summary.ts';
import type { CompressionSummary } from '../compression-summary.ts';
import type { EnsembleSummary } from '../../train/ensemble/ensemble-summary.ts';
import { renderReportHtml } from '../report-html.ts';
import { RUN_REPORT_FORMAT_VERSION, type RunReport } from '../run-report.ts';
import { summariseDataset } from '../summarise-dataset.ts';

export type ReportParams = {
  readonly taskName: string;
  readonly taskType: string;
};

type ReportInput = 'train' | 'validation' | 'test' | 'transform' | 'genome' | 'history' | 'metrics';

export interface ReportWiring {
  /**
   * Overrides the default inputs: `normalize.{train,validation,test,transform}`, `build-model.genome`,
   * `train.history`, `evaluate.metrics`; `study` (none by default) names the search's StudySummary,
   * `robustness` (none by default) the robustness step's RobustnessSummary, `compression` (none by
   * default) the compress step's CompressionSummary.
   */
  readonly inputs?: Partial<Record<ReportInput | 'study' | 'robustness' | 'compression' | 'ensemble', string>>;
}

/**
 * Step `report`: gathers the run's outcome into one RunReport and writes the `report` folder:
 * report.json (the RunReport) and report.html (a self-contained page for people).
 */
export function reportStep(params: ReportParams, wiring: ReportWiring = {}): Step<ReportInput, 'report'> {
  const inputs: Record<ReportInput, string> = {
    train: 'normalize.train',
    validation: 'normalize.validation',
    test: 'normalize.test',
    transform: 'normalize.transform',
    genome: 'build-model.genome',
    history: 'train.history',
    metrics: 'evaluate.metrics',
    ...wiring.inputs,
  } as Record<ReportInput, string>;
  const producer = (input: ReportInput): string => inputs[input].split('.')[0];
  return defineStep<ReportInput, 'report'>({
    name: 'report',
    version: '2',
    params: { ...params },
    inputs,
    outputs: ['report'],
    description: 'write report.json and report.html',
    async run(ctx, refs) {
      const [train, validation, test, scaler, genome, history, metrics] = await Promise.all([
        getDataset(ctx, refs.train),
        getDataset(ctx, refs.validation),
        getDataset(ctx, refs.test),
        ctx.artifacts.readJson(refs.transform).then(targetScalerOf),
        ctx.artifacts.readJson<unknown>(refs.genome),
        ctx.artifacts.readJson<TrainingHistory>(refs.history),
        ctx.artifacts.readJson<EvaluationMetrics>(refs.metrics),
      ]);
      const studyRef = (refs as Partial<Record<ReportInput | 'study', ArtifactRef>>).study;
      const search = studyRef ? await ctx.artifacts.readJson<StudySummary>(studyRef) : undefined;
      const robustnessRef = (refs as Partial<Record<'robustness', ArtifactRef>>).robustness;
      const robustness = robustnessRef ? await ctx.artifacts.readJson<RobustnessSummary>(robustnessRef) : undefined;
      const compressionRef = (refs as Partial<Record<'compression', ArtifactRef>>).compression;
      const compression = compressionRef ? await ctx.artifacts.readJson<CompressionSummary>(compressionRef) : undefined;
      const ensembleRef = (refs as Partial<Record<'ensemble', ArtifactRef>>).ensemble;
      const ensemble = ensembleRef ? await ctx.artifacts.readJson<EnsembleSummary>(ensembleRef) : undefined;
      const { formatVersion: _, ...training } = history;
      const report: RunReport = {
        formatVersion: RUN_REPORT_FORMAT_VERSION,
        task: {
          name: params.taskName,
          type: params.taskType,
          target: train.target.name,
          targetKind: train.target.kind,
          classes: train.target.kind === 'class' ? train.target.classes : undefined,
        },
        data: {
          train: summariseDataset(train, scaler),
          validation: summariseDataset(validation, scaler),
          test: summariseDataset(test, scaler),
        },
        model: { family: history.family, genome, params: history.params, inputShape: [...train.featureShape] },
        training,
        metrics,
        // Only steps whose outputs carry their own duration; the runner's records hold the rest
        // (re-render with renderReportHtml to include them).
        timings: [
          { step: producer('history'), ms: history.durationMs },
          ...(search ? [{ step: 'search', ms: search.durationMs }] : []),
          { step: producer('metrics'), ms: metrics.durationMs },
          ...(robustness?.status === 'measured' ? [{ step: 'robustness', ms: robustness.durationMs }] : []),
          ...(compression ? [{ step: 'compress', ms: compression.durationMs }] : []),
        ],
        ...(search && { search }),
        ...(ensemble && { ensemble }),
        ...(robustness && { robustness }),
        ...(compression && { compression }),
      };
      const dir = join(ctx.workDir, 'report');
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
      await writeFile(join(dir, 'report.html'), renderReportHtml(report));
      return { report: await ctx.artifacts.putDir(dir, { move: true }) };
    },
  });
}
