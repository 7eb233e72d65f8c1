import { formatDuration } from '../render/format-duration.ts';
import type { Command } from 'commander';
import { printTable, printJson } from './output.ts';
import { storeOption, storeOptions } from './store-options.ts';

export function registerRunsCommand(program: Command): void {
  const runs = program.command('runs').description('list recorded runs, newest first (`runs delete <id...>` forgets runs)');
  storeOption(runs)
    .option('-n, --limit <n>', 'how many runs to list', '20')
    .option('--json', 'print JSON')
    .action(async (opts: { limit: string; json?: boolean }) => {
      const limit = Number(opts.limit);
      const { openWorkspace } = await import('../store/workspace.ts');
      const workspace = await openWorkspace(program.opts().home as string, storeOptions(program));
      try {
        // A `running` run whose process is gone (killed, crashed) is shown as `interrupted`.
        const listed = await workspace.metadata.listRuns({ limit: Number.isFinite(limit) && limit > 0 ? limit : 20 });
        const runs = await Promise.all(listed.map(async (r) => ({ ...r, status: await workspace.locks.status(r) })));
        if (opts.json) return printJson(runs);
        if (runs.length === 0) return void process.stdout.write('no runs yet: start one with `deepline run <task-file>`\n');
        printTable(
          ['run', 'name', 'task', 'status', 'started', 'duration'],
          runs.map((r) => [r.id, r.name, r.taskType, r.status, r.startedAt.replace('T', ' ').slice(0, 19), runDuration(r.startedAt, r.endedAt)]),
        );
      } finally {
        await workspace.close();
      }
    });

  runs
    .command('delete')
    .description("forget runs: their records, steps, params, metrics and lineage (a run in progress is refused; artifacts, output folders and registered models stay)")
    .argument('<run-ids...>', 'ids as `deepline runs` lists them')
    .option('--json', 'print JSON')
    .action(async (ids: string[], opts: { json?: boolean }) => {
      const { openWorkspace } = await import('../store/workspace.ts');
      const { deleteRun } = await import('../store/delete-run.ts');
      const workspace = await openWorkspace(program.opts().home as string, storeOptions(program));
      try {
        const deleted = [];
        // One at a time, each whole: an id that cannot go stops here, and those before it are gone.
        for (const id of ids) {
          const run = await deleteRun(workspace, id);
          deleted.push({ id: run.id, name: run.name });
          if (!opts.json) process.stdout.write(`deleted run ${run.id} (${run.name})\n`);
        }
        if (opts.json) printJson({ deleted });
      } finally {
        await workspace.close();
      }
    });
}

function runDuration(start: string, end: string | undefined): string {
  return end ? formatDuration(Date.parse(end) - Date.parse(start)) : '-';
}
