import type { Command } from 'commander';
import type { ArtifactUse } from '../store/check-workspace.ts';
import { printJson } from './output.ts';
import { storeOptions } from './store-options.ts';

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('check every stored artifact against its manifest and remove damaged ones, so the next run rebuilds them')
    .option('--dry-run', 'only report: remove nothing')
    .option('--quick', 'check sizes and small files only (as a cached step does), not every byte')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { dryRun?: boolean; quick?: boolean; json?: boolean }) => {
      const [{ openWorkspace }, { checkWorkspace }] = await Promise.all([import('../store/workspace.ts'), import('../store/check-workspace.ts')]);
      const workspace = await openWorkspace(program.opts().home as string, storeOptions(program));
      try {
        const report = await checkWorkspace(workspace, { repair: opts.dryRun !== true, full: opts.quick !== true });
        if (opts.json) return printJson(report);
        const out = process.stdout;
        out.write(`checked ${report.checked} artifacts in ${report.home}: ${report.intact} intact, ${report.damaged.length} damaged\n`);
        for (const d of report.damaged) {
          out.write(`damaged ${d.hash.slice(0, 12)}${uses(d.usedBy)}: ${d.problems.join('; ')}\n`);
          out.write(d.removed ? '  removed: the next run that needs it reruns the step that made it\n' : '  not removed (--dry-run)\n');
        }
        for (const m of report.missing) out.write(`missing ${m.hash.slice(0, 12)}${uses(m.usedBy)}: the next run that needs it reruns the step that made it\n`);
        if (report.interrupted.length) out.write(`interrupted runs (run their task again to resume): ${report.interrupted.join(', ')}\n`);
        if (report.healthy && report.damaged.length === 0) out.write('no damage found\n');
      } finally {
        await workspace.close();
      }
    });
}

/** ` (train.model of run X, and 3 more)`: where an artifact was recorded, briefly. */
function uses(list: readonly ArtifactUse[]): string {
  if (list.length === 0) return '';
  const first = `${list[0].step}.${list[0].output} of run ${list[0].runId}`;
  return ` (${first}${list.length > 1 ? `, and ${list.length - 1} more` : ''})`;
}
