import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatBytes } from '../render/format-bytes.ts';
import { printJson } from './output.ts';
import { resolveRunFolder } from './resolve-run-folder.ts';
import { storeOptions } from './store-options.ts';

interface PackageCommandOptions {
  target: string;
  out?: string;
  name?: string;
  json?: boolean;
}

export function registerPackageCommand(program: Command): void {
  program
    .command('package')
    .description('write a bundle that runs the model elsewhere: a Node.js server (with Dockerfile) or a static browser page')
    .argument('<run>', 'the output folder of a run, or a run id')
    .option('--target <name>', 'server or browser', 'server')
    .option('--out <dir>', 'folder to write (new or empty; default <run folder>-<target>)')
    .option('--name <name>', 'the name the model is served or shown under (default: the task name)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  deepline package out/iris --target server --out iris-server && cd iris-server && npm ci && npm start\n  deepline package out/digits --target browser --out digits-web && npx serve digits-web',
    )
    .action(async (run: string, opts: PackageCommandOptions) => {
      const [{ dir }, { createRegistries }] = await Promise.all([resolveRunFolder(run, program.opts().home as string, { store: storeOptions(program) }), import('../context/registries.ts')]);
      const packager = createRegistries().packagers.get(opts.target, 'DL_USAGE');
      const outDir = resolve(opts.out ?? `${dir}-${packager.name}`);
      const result = await packager.write({ runDir: dir, outDir, ...(opts.name !== undefined && { name: opts.name }) });
      if (opts.json) return printJson(result);
      process.stdout.write(
        [
          `wrote a ${result.target} bundle of ${dir} to ${result.dir} (${result.files.length} files, ${formatBytes(result.bytes)})`,
          ...result.files.map((f) => `  ${f}`),
          'run it:',
          `  cd ${result.dir}`,
          ...result.start.map((line) => `  ${line}`),
          '',
        ].join('\n'),
      );
    });
}
