import { formatDuration } from '../render/format-duration.ts';
import type { Command } from 'commander';
import { printTable, printJson } from './output.ts';
import { storeOptions } from './store-options.ts';

export function registerRunsCommand(program: Command): void {
  program
    .command('runs')
    .description('list recorded runs, newest first')
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
}

function runDuration(start: string, end: string | undefined): string {
  return end ? formatDuration(Date.parse(end) - Date.parse(start)) : '-';
}
