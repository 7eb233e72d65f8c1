import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import type { DataProfile } from '../data/profile/data-profile.ts';
import { formatNumber, printJson } from './output.ts';
import { writeOutputFile } from './write-output-file.ts';

interface ProfileOptions {
  json?: boolean;
  out?: string;
}

export function registerProfileCommand(program: Command): void {
  program
    .command('profile')
    .description("profile a task's data: statistics, histograms, class balance, duplicates, association with the target → data-report.html")
    .argument('<task-file>', 'a YAML or JSON task file')
    .option('--out <dir>', "where to write data-report.html, data-profile.json and data-schema.json (default: the task's output folder)")
    .option('--json', 'print a summary as JSON on stdout')
    .addHelpText('after', '\nExamples:\n  deepline profile examples/iris.yaml\n  deepline profile examples/fashion-mnist.yaml --out /tmp/fm')
    .action(async (taskFile: string, opts: ProfileOptions) => {
      const [{ loadTaskFile }, { readTaskData }, { profileTable }, { profileImages }, { buildDataReport }, { renderDataReportHtml }, { inferSchema }] = await Promise.all([
        import('../task/load-task.ts'),
        import('../task/read-task-data.ts'),
        import('../data/profile/profile-table.ts'),
        import('../data/profile/profile-images.ts'),
        import('../data/profile/data-report.ts'),
        import('../data/profile/render-data-report-html.ts'),
        import('../data/schema/infer-schema.ts'),
      ]);
      const spec = await loadTaskFile(taskFile);
      const started = performance.now();
      const data = await readTaskData(spec);
      const readMs = performance.now() - started;
      const targetKind = spec.task.endsWith('regression') ? 'numeric' : 'class';
      const profile: DataProfile =
        data.kind === 'table' ? profileTable(data.table, { targetKind }) : await profileImages(data.dataset, { seed: spec.seed });
      const profileMs = performance.now() - started - readMs;

      const outDir = resolve(opts.out ?? spec.output);
      const near = relative(process.cwd(), spec.data.path);
      const extras = { title: spec.name, source: near && !near.startsWith('..') ? near : spec.data.path, warnings: data.warnings };
      const files: Record<string, string> = {
        report: join(outDir, 'data-report.html'),
        profile: join(outDir, 'data-profile.json'),
      };
      await writeOutputFile(files.report, renderDataReportHtml(profile, undefined, extras), 'data report');
      await writeOutputFile(files.profile, `${JSON.stringify(buildDataReport(profile, undefined, extras))}\n`, 'data profile');
      if (data.kind === 'table') {
        // Written beside the report so `deepline validate` can reuse it, and people can edit it.
        files.schema = join(outDir, 'data-schema.json');
        await writeOutputFile(files.schema, `${JSON.stringify(inferSchema(data.table, profile.kind === 'table' ? profile : undefined), null, 1)}\n`, 'data schema');
      }
      if (opts.json) {
        printJson({ name: spec.name, ...headline(profile), testRows: data.kind === 'images' ? data.testRows : undefined, readMs: Math.round(readMs), profileMs: Math.round(profileMs), files, warnings: data.warnings });
        return;
      }
      printSummary(spec.name, profile, data.kind === 'images' ? data.testRows : 0, readMs, profileMs, data.warnings);
      process.stdout.write(`data report: ${files.report}\n`);
    });
}

/** The figures a person looks at first, also the JSON summary. */
function headline(p: DataProfile): Record<string, unknown> {
  const t = p.target;
  const target =
    t.kind === 'class'
      ? { name: t.name, kind: t.kind, classes: t.classes.length, imbalanceRatio: t.imbalanceRatio, majority: t.majority, minority: t.minority, missing: t.missing }
      : { name: t.name, kind: t.kind, mean: t.stats.mean, std: t.stats.std, min: t.stats.min, max: t.stats.max, missing: t.missing };
  if (p.kind === 'images') {
    return { kind: 'images', images: p.count, shape: [p.height, p.width, p.channels], target, duplicates: p.duplicates, constantImages: p.constantImages };
  }
  const cells = p.rows * p.columns.length;
  const missingCells = p.columns.reduce((a, c) => a + c.missing, 0);
  const associations = p.columns
    .filter((c) => c.association)
    .map((c) => ({ column: c.name, measure: c.association!.measure, value: c.association!.value }))
    .sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
  return { kind: 'table', rows: p.rows, columns: p.columns.length, missingShare: cells > 0 ? missingCells / cells : 0, target, duplicates: p.duplicates, associations };
}

function printSummary(name: string, p: DataProfile, testRows: number, readMs: number, profileMs: number, warnings: readonly string[]): void {
  const out = process.stdout;
  const t = p.target;
  const targetText =
    t.kind === 'class'
      ? `${t.classes.length} classes, ${t.imbalanceRatio === 1 ? `balanced (${t.classes[0].count.toLocaleString('en-US')} rows each)` : `largest ${t.majority} / smallest ${t.minority} = ${formatNumber(t.imbalanceRatio)}×`}`
      : `mean ${formatNumber(t.stats.mean)} ± ${formatNumber(t.stats.std)}, range ${formatNumber(t.stats.min)} to ${formatNumber(t.stats.max)}`;
  const timing = `read in ${seconds(readMs)}, profiled in ${seconds(profileMs)}`;
  if (p.kind === 'images') {
    const test = testRows > 0 ? ` (${(p.count - testRows).toLocaleString('en-US')} + ${testRows.toLocaleString('en-US')} test)` : '';
    out.write(`${name}: ${p.count.toLocaleString('en-US')} images of ${p.width}×${p.height}×${p.channels}${test}; ${timing}\n`);
    out.write(`target ${t.name}: ${targetText}\n`);
    const channels = p.channelStats.map((c) => `${formatNumber(c.mean)} ± ${formatNumber(c.std)}`).join(', ');
    out.write(`pixels: mean ± std ${channels}; ${p.constantImages} blank images, ${p.duplicates.rows} duplicates, ${p.duplicates.conflictingLabels} conflicting labels\n`);
  } else {
    const missing = p.columns.filter((c) => c.missing > 0).map((c) => `${c.name} ${(c.missingRate * 100).toFixed(1)}%`);
    out.write(`${name}: ${p.rows.toLocaleString('en-US')} rows × ${p.columns.length} columns; ${timing}\n`);
    out.write(`target ${t.name}: ${targetText}\n`);
    out.write(`missing: ${missing.length > 0 ? missing.slice(0, 6).join(', ') + (missing.length > 6 ? ', …' : '') : 'none'}; ${p.duplicates.rows} duplicate rows, ${p.duplicates.conflictingLabels} conflicting labels\n`);
    const top = (headline(p).associations as { column: string; measure: string; value: number }[]).slice(0, 5);
    if (top.length > 0) out.write(`most associated with ${t.name}: ${top.map((a) => `${a.column} (${a.measure} ${a.value.toFixed(2)})`).join(', ')}\n`);
  }
  for (const w of warnings) out.write(`warning: ${w}\n`);
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
