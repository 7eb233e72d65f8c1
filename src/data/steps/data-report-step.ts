import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defineStep, type Step } from '../../pipeline/step.ts';
import type { CleaningReport } from '../clean/clean-table.ts';
import type { LabelNoiseReport } from '../label-noise/label-noise-report.ts';
import type { DataProfile } from '../profile/data-profile.ts';
import { buildDataReport, type DataReportExtras } from '../profile/data-report.ts';
import { renderDataReportHtml } from '../profile/render-data-report-html.ts';

type DataReportInput = 'profile' | 'labelNoise' | 'cleaning' | 'summary';

export interface DataReportWiring {
  /** Where each part comes from; all but `profile` only where the pipeline has such a step. */
  readonly inputs: { readonly profile: string; readonly labelNoise?: string; readonly cleaning?: string; readonly summary?: string };
}

/**
 * Step `data-report`: puts the data stage's findings (profile, cleaning counts, label-noise
 * suspects, reader warnings) into `data-report.html` and `data-profile.json` (output `report`).
 */
export function dataReportStep(params: { title: string }, wiring: DataReportWiring): Step<DataReportInput, 'report'> {
  const { profile, labelNoise, cleaning, summary } = wiring.inputs;
  return defineStep<DataReportInput, 'report'>({
    name: 'data-report',
    version: '1',
    params: { title: params.title },
    // Optional inputs are left out of the record when the pipeline has no such step.
    inputs: { profile, ...(labelNoise && { labelNoise }), ...(cleaning && { cleaning }), ...(summary && { summary }) } as Record<DataReportInput, string>,
    outputs: ['report'],
    description: 'write data-report.html',
    async run(ctx, refs) {
      const read = <T>(name: DataReportInput): Promise<T | undefined> =>
        (refs as Partial<typeof refs>)[name] ? ctx.artifacts.readJson<T>(refs[name]) : Promise.resolve(undefined);
      const [dataProfile, noise, clean, source] = await Promise.all([
        read<DataProfile>('profile'),
        read<LabelNoiseReport>('labelNoise'),
        read<CleaningReport>('cleaning'),
        read<{ path?: string; warnings?: readonly string[] }>('summary'),
      ]);
      const extras: DataReportExtras = {
        title: `${params.title}: data report`,
        ...(source?.path && { source: source.path }),
        ...(source?.warnings?.length && { warnings: source.warnings }),
        ...(noise && !noise.skipped && {
          labelNoise: {
            suspects: noise.suspects.map((s) => ({ row: s.sourceRow ?? s.index + 1, given: s.given, predicted: s.predicted, confidence: s.confidence })),
          },
        }),
        ...(clean && { cleaning: cleaningCounts(clean) }),
      };
      const dir = join(ctx.workDir, 'data-report');
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'data-profile.json'), `${JSON.stringify(buildDataReport(dataProfile!, undefined, extras), null, 2)}\n`);
      await writeFile(join(dir, 'data-report.html'), renderDataReportHtml(dataProfile!, undefined, extras));
      return { report: await ctx.artifacts.putDir(dir, { move: true }) };
    },
  });
}

function cleaningCounts(report: CleaningReport): Record<string, number> {
  const counts: Record<string, number> = {
    'rows read': report.rowsIn,
    'rows kept': report.rowsOut,
    'duplicates dropped': report.duplicates.dropped,
    'rows without a target dropped': report.missingTarget.dropped,
    'missing values (imputed on the training split)': report.missing.reduce((a, m) => a + m.missing, 0),
  };
  if (report.outliers) counts[`outlier rows ${report.outliers.action === 'drop' ? 'dropped from training' : 'flagged'}`] = report.outliers.rowsFlagged;
  return counts;
}
