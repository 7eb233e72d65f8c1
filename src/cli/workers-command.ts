import type { Command } from 'commander';
import { DeeplineError } from '../errors/index.ts';
import { formatDuration } from '../render/format-duration.ts';
import { printJson, printTable } from './output.ts';

interface WorkersCommandOptions {
  readonly redis?: string;
  readonly prefix: string;
  readonly queue: string;
  readonly json?: boolean;
}

/** `deepline workers`: the live `deepline worker` processes of a queue (their heartbeat keys), and the queue's job counts. */
export function registerWorkersCommand(program: Command): void {
  program
    .command('workers')
    .description('list the live `deepline worker` processes of a queue: current trial, trials finished, throughput')
    .option('--redis <url>', 'the queue\'s Redis (default: $DEEPLINE_REDIS_URL)')
    .option('--prefix <prefix>', 'BullMQ key prefix', 'deepline')
    .option('--queue <name>', 'queue name', 'trials')
    .option('--json', 'print JSON')
    .action(async (opts: WorkersCommandOptions) => {
      const redis = opts.redis ?? process.env.DEEPLINE_REDIS_URL;
      if (!redis) throw new DeeplineError('DL_USAGE', 'deepline workers needs the queue\'s Redis: --redis is not given and DEEPLINE_REDIS_URL is empty', { hint: 'run `deepline workers --redis redis://host:6379`' });
      const { listWorkers } = await import('../search/executors/list-workers.ts');
      const { workers, jobs } = await listWorkers({ redis, prefix: opts.prefix, queue: opts.queue });
      if (opts.json) return printJson({ workers, jobs });
      const now = Date.now();
      if (workers.length === 0) process.stdout.write(`no live workers on ${redis} queue ${opts.prefix}:${opts.queue}: start one with \`deepline worker --redis ${redis}\`\n`);
      else {
        printTable(
          ['worker', 'host', 'pid', 'trials at once', 'threads', 'running', 'finished', 'epochs/min', 'up'],
          workers.map((w) => [
            w.id,
            w.host,
            String(w.pid),
            String(w.concurrency),
            String(w.threads),
            w.current.length === 0 ? 'idle' : w.current.map((c) => `trial ${c.trialId} (epoch ${c.epoch})`).join(', '),
            Object.entries(w.finished).map(([state, n]) => `${n} ${state}`).join(', ') || '0',
            w.epochsPerMinute.toFixed(1),
            formatDuration(now - Date.parse(w.startedAt)),
          ]),
        );
      }
      process.stdout.write(`jobs: ${Object.entries(jobs).map(([state, n]) => `${n} ${state}`).join(', ')}\n`);
    });
}
