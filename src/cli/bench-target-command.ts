import { relative } from 'node:path';
import type { Command } from 'commander';
import { SERVING_ENGINES, type ServingEngine } from '../deploy/target-bench/serving-engine.ts';
import { DeeplineError } from '../errors/index.ts';
import { printJson, printTable } from './output.ts';
import { resolveRunFolder } from './resolve-run-folder.ts';
import { storeOptions } from './store-options.ts';

interface BenchTargetOptions {
  engines: string;
  maxBatch: string;
  threads: string;
  maxLatencyMs?: string;
  cellMs: string;
  json?: boolean;
}

export function registerBenchTargetCommand(program: Command): void {
  program
    .command('bench-target')
    .description("measure a trained model's latency and throughput per engine and batch size on this machine, and choose how `deepline serve` runs it")
    .argument('<run>', 'the output folder of a run, or a run id from `deepline runs` (a unique prefix is enough)')
    .option('--engines <list>', `engines to measure, comma-separated: ${SERVING_ENGINES.join(', ')} (onnx is ONNX Runtime on model.onnx; the others run the TF.js model/)`, 'onnx,native,wasm')
    .option('--max-batch <n>', 'the largest batch size measured: 1, 2, 4 … up to it', '256')
    .option('--threads <n>', 'ONNX Runtime (and native engine) threads per call, as `deepline serve --threads`', '1')
    .option('--max-latency-ms <ms>', "the latency objective (default: the task's constraints.maxLatencyMs, else 100)")
    .option('--cell-ms <ms>', 'milliseconds spent timing each engine and batch size once warm', '150')
    .option('--json', 'print target-bench.json on stdout instead of the table')
    .addHelpText(
      'after',
      '\nWrites target-bench.json (every figure, with the CPU it was measured on) and serving.json (the engine, largest\n' +
        'batch, batching wait and threads chosen: the highest throughput whose worst case, wait + 2 × p99, meets the\n' +
        'objective) into the output folder, and fills the target-benchmark section of its report.html.\n' +
        '`deepline serve` then takes every setting not given on its command line from serving.json.\n\nExample:\n  deepline bench-target out/digits\n  deepline serve out/digits',
    )
    .action(async (spec: string, opts: BenchTargetOptions) => {
      const whole = (value: string, flag: string, min: number): number => {
        const n = Number(value);
        if (!Number.isInteger(n) || n < min) throw new DeeplineError('DL_USAGE', `${flag} must be a whole number >= ${min}, but got ${value}`);
        return n;
      };
      const engines = parseEngines(opts.engines);
      const maxBatch = whole(opts.maxBatch, '--max-batch', 1);
      const threads = whole(opts.threads, '--threads', 1);
      const cellMs = whole(opts.cellMs, '--cell-ms', 1);
      const maxLatencyMs = opts.maxLatencyMs === undefined ? undefined : Number(opts.maxLatencyMs);
      if (maxLatencyMs !== undefined && !(maxLatencyMs > 0)) throw new DeeplineError('DL_USAGE', `--max-latency-ms must be a number > 0, but got ${opts.maxLatencyMs}`);

      const home = program.opts().home as string;
      // It writes target-bench.json and serving.json into the folder: a registered version's pinned copy is read-only.
      const { dir } = await resolveRunFolder(spec, home, { registry: false, store: storeOptions(program) });
      const [{ latencyObjectiveOf }, { runTargetBench, saveTargetBench, batchSizesUpTo }, { targetBenchTable, formatMs }] = await Promise.all([
        import('../deploy/target-bench/latency-objective.ts'),
        import('../deploy/target-bench/run-target-bench.ts'),
        import('../deploy/target-bench/target-bench-table.ts'),
      ]);
      const objective = await latencyObjectiveOf(dir, { home, ...(maxLatencyMs !== undefined && { maxLatencyMs }) });
      const sizes = batchSizesUpTo(maxBatch);
      const shown = relative(process.cwd(), dir) || '.';
      process.stderr.write(`measuring ${shown}: ${engines.join(', ')} at batch sizes ${sizes.join(', ')}, ${threads} thread${threads === 1 ? '' : 's'}\n`);
      const result = await runTargetBench(dir, {
        objective,
        engines,
        maxBatch,
        threads,
        cellMs,
        onEngine: (engine) => process.stderr.write(`  ${engine}…\n`),
      });
      const written = await saveTargetBench(dir, result);
      if (opts.json) return printJson(result);

      const out = process.stdout;
      const { machine, choice } = result;
      out.write(`${machine.cpu} (${machine.cores} cores), latency objective ${formatMs(objective.maxLatencyMs)} ms (${objective.source === 'task' ? 'task constraints.maxLatencyMs' : objective.source === 'option' ? '--max-latency-ms' : 'default: the task sets none'})\n\n`);
      const table = targetBenchTable(result);
      printTable(table.header, table.rows);
      for (const failed of result.engines.filter((e) => e.error !== undefined)) out.write(`${failed.engine} not measured: ${failed.error}\n`);
      out.write(`\nchosen: ${choice.engine}, batches of up to ${choice.maxBatch}, ${choice.maxWaitMs} ms wait, ${threads} thread${threads === 1 ? '' : 's'}\n  ${choice.reason}\n`);
      if (!choice.meetsObjective) process.stderr.write(`warning: no engine and batch size meets the ${formatMs(objective.maxLatencyMs)} ms latency objective on this machine\n`);
      out.write(`wrote ${written.map((f) => relative(process.cwd(), f)).join(', ')}; \`deepline serve ${shown}\` now uses these settings\n`);
    });
}

function parseEngines(list: string): ServingEngine[] {
  const names = list.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = names.find((n) => !(SERVING_ENGINES as readonly string[]).includes(n));
  if (unknown !== undefined || names.length === 0) {
    throw new DeeplineError('DL_USAGE', `--engines ${unknown === undefined ? 'names no engine' : `names an unknown engine ${JSON.stringify(unknown)}`}`, { hint: `choose from ${SERVING_ENGINES.join(', ')}, e.g. --engines onnx,native` });
  }
  return [...new Set(names)] as ServingEngine[];
}
