import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { DeeplineError } from '../errors/index.ts';
import { printJson } from './output.ts';
import type { TaskSourceOptions } from './task-source.ts';
import { writeOutputFile } from './write-output-file.ts';

interface InitOptions extends TaskSourceOptions {
  file?: string;
  force?: boolean;
  json?: boolean;
}

export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .description('look at the data, infer the task, and write a task file to edit')
    .requiredOption('--data <path>', 'the data (CSV/TSV/JSONL file, image folder or IDX folder)')
    .option('--target <column>', 'the column to predict (tables)')
    .option('--task <type>', 'the task type, instead of inferring it')
    .option('--name <name>', 'task name (default: the data file name)')
    .option('-f, --file <path>', 'where to write the task file (default: ./<name>.yaml)')
    .option('--force', 'overwrite an existing task file')
    .option('--json', 'print the inferred task as JSON instead of writing a file')
    .action(async (opts: InitOptions) => {
      const [{ resolveTaskSpec }, { renderTaskYaml }, { createRegistries }] = await Promise.all([
        import('./task-source.ts'),
        import('../task/render-task.ts'),
        import('../context/registries.ts'),
      ]);
      const spec = await resolveTaskSpec(undefined, opts, createRegistries());
      if (opts.json) return printJson({ task: spec.task, reason: spec.source.taskInference, header: spec.source.headerInference, spec });
      const file = resolve(opts.file ?? `${spec.name}.yaml`);
      if (existsSync(file) && !opts.force) {
        throw new DeeplineError('DL_USAGE', `${file} exists already`, { hint: 'pass --force to overwrite it, or --file to write elsewhere' });
      }
      await writeOutputFile(file, renderTaskYaml(spec, undefined, { baseDir: dirname(file) }), 'task file');
      process.stdout.write(`task: ${spec.task}${spec.source.taskInference ? ` — ${spec.source.taskInference}` : ''}\n`);
      if (spec.source.headerInference) process.stdout.write(`header: line ${spec.data.header} — ${spec.source.headerInference}\n`);
      process.stdout.write(`wrote ${file}: edit it, then \`deepline run ${opts.file ?? `${spec.name}.yaml`}\`\n`);
    });
}
