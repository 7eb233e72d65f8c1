import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { DeeplineError } from '../errors/index.ts';
import type { PriorTask } from '../store/formats/prior-task.ts';
import { formatNumber, printJson, printTable } from './output.ts';

/**
 * `deepline prior`: the past tasks that warm-start new searches — the prior deepline ships
 * (`priors/default-prior.json`, or the file `DEEPLINE_PRIOR` names) and the workspace's own
 * finished studies (its prior store, in metadata.db).
 */
export function registerPriorCommand(program: Command): void {
  const prior = program
    .command('prior')
    .description("the warm start's past tasks: the prior deepline ships and this workspace's finished studies")
    .addHelpText('after', '\nExample:\n  deepline prior show            # every past task a search may start from\n  deepline prior update          # add finished studies of this workspace that are not in it yet\n  deepline prior build --out my-prior.json --trials 30');

  prior
    .command('show')
    .description('list the past tasks (shipped and workspace), with their meta-features and best error')
    .option('--file <prior.json>', 'show this prior file instead of the shipped one')
    .option('--json', 'print JSON')
    .action(async (opts: { file?: string; json?: boolean }) => {
      const { readPriorFile, shippedPriorPath } = await import('../search/warm-start/read-prior-file.ts');
      const path = opts.file ? resolve(opts.file) : shippedPriorPath();
      const shipped = path && (opts.file || existsSync(path)) ? (await readPriorFile(path)).tasks : [];
      const workspace = await withPriorStore(program, false, (store) => store.list());
      if (opts.json) return printJson({ shipped: { file: path ?? null, tasks: shipped }, workspace });
      process.stdout.write(`shipped prior: ${path ?? 'none (DEEPLINE_PRIOR=none)'} (${shipped.length} tasks)\n`);
      if (shipped.length > 0) printTasks(shipped);
      process.stdout.write(`\nworkspace prior store: ${join(program.opts().home as string, 'metadata.db')} (${workspace.length} tasks)\n`);
      if (workspace.length > 0) printTasks(workspace);
      else process.stdout.write('no finished studies yet: each `deepline run` with a search adds its own\n');
    });

  prior
    .command('update')
    .description("add every finished search of this workspace's runs to its prior store (runs from before the store existed, or recorded elsewhere)")
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { openWorkspace } = await import('../store/workspace.ts');
      const { priorTaskOfStudy } = await import('../search/warm-start/prior-task-of-study.ts');
      const home = program.opts().home as string;
      if (!existsSync(join(home, 'metadata.db'))) throw noWorkspace(home);
      const workspace = await openWorkspace(home);
      try {
        const added = await withPriorStore(program, true, async (store) => {
          const known = new Set((await store.list()).map((t) => t.name));
          const out: { run: string; task: string; study: string; status: 'added' | 'known' | 'no meta-features' }[] = [];
          for (const run of await workspace.metadata.listRuns({ limit: 100_000 })) {
            const detail = await workspace.metadata.getRunDetail(run.id);
            const search = detail?.steps.find((s) => s.name === 'search' && s.status !== 'failed' && s.outputs.study);
            const ref = search && (await workspace.artifacts.get(search.outputs.study));
            if (!ref) continue;
            const task = priorTaskOfStudy(await workspace.artifacts.readJson(ref), run.name);
            if (!task) out.push({ run: run.id, task: run.name, study: '-', status: 'no meta-features' });
            else if (known.has(task.name)) out.push({ run: run.id, task: run.name, study: task.name, status: 'known' });
            else {
              await store.put(task);
              known.add(task.name);
              out.push({ run: run.id, task: run.name, study: task.name, status: 'added' });
            }
          }
          return out;
        });
        if (opts.json) return printJson(added);
        const count = added.filter((a) => a.status === 'added').length;
        process.stdout.write(`${count} stud${count === 1 ? 'y' : 'ies'} added to the prior store (${added.length} runs with a search looked at)\n`);
        const old = added.filter((a) => a.status === 'no meta-features').length;
        if (old > 0) process.stdout.write(`${old} run${old === 1 ? '' : 's'} from before meta-features were recorded: rerun them to add them\n`);
      } finally {
        await workspace.close();
      }
    });

  prior
    .command('remove')
    .description('remove a task from the workspace prior store (by the name `prior show` lists)')
    .argument('<name>', 'the task name (a study name)')
    .action(async (name: string) => {
      const removed = await withPriorStore(program, false, (store) => store.remove(name));
      if (!removed) {
        throw new DeeplineError('DL_PRIOR', `the workspace prior store holds no task named "${name}"`, { hint: '`deepline prior show` lists the names', location: { field: 'name' } });
      }
      process.stdout.write(`removed ${name}\n`);
    });

  prior
    .command('build')
    .description('build a prior file from the meta-training set: synthetic tables of known structure, each searched cold')
    .option('--out <file>', 'where to write it', 'priors/default-prior.json')
    .option('--trials <n>', 'trials per task', '30')
    .option('--seed <n>', 'seed of the generated data and the searches', '1')
    .option('--exclude <names>', 'meta-training tasks to leave out, comma-separated')
    .option('--json', 'print JSON')
    .action(async (opts: { out: string; trials: string; seed: string; exclude?: string; json?: boolean }) => {
      const trials = positiveInt(opts.trials, '--trials');
      const seed = positiveInt(opts.seed, '--seed');
      const { buildPrior } = await import('../context/build-prior.ts');
      const file = await buildPrior({
        trials,
        seed,
        ...(opts.exclude && { exclude: opts.exclude.split(',') }),
        onTask: (e) => {
          if (!opts.json) process.stderr.write(e.done ? `  ${e.name}: ${e.done.seconds.toFixed(0)} s, best error ${e.done.bestError?.toPrecision(4) ?? '-'}\n` : `[${e.index + 1}/${e.total}] ${e.name}\n`);
        },
      });
      const out = resolve(opts.out);
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out, `${JSON.stringify(file, null, 2)}\n`);
      if (opts.json) return printJson({ file: out, tasks: file.tasks.length });
      process.stdout.write(`wrote ${out}: ${file.tasks.length} tasks\n`);
    });
}

function printTasks(tasks: readonly PriorTask[]): void {
  printTable(
    ['name', 'family', 'modality', 'kind', 'rows', 'features', 'classes', 'landmarker', 'best error', 'configs'],
    tasks.map((t) => [
      t.name.length > 40 ? `${t.name.slice(0, 37)}...` : t.name,
      t.family,
      t.metaFeatures.modality,
      t.metaFeatures.targetKind,
      String(t.metaFeatures.rows),
      String(t.metaFeatures.features),
      String(t.metaFeatures.classes),
      formatNumber(t.metaFeatures.landmarker),
      `${formatNumber(t.configs[0].error)} (${t.errorName})`,
      String(t.configs.length),
    ]),
  );
}

async function withPriorStore<T>(program: Command, create: boolean, fn: (store: import('../store/metadata/prior-store.ts').PriorStore) => Promise<T>): Promise<T> {
  const home = program.opts().home as string;
  const file = join(home, 'metadata.db');
  if (!existsSync(file)) {
    if (!create) return fn(emptyStore());
    throw noWorkspace(home);
  }
  const { SqlitePriorStore } = await import('../store/metadata/sqlite-prior-store.ts');
  const store = new SqlitePriorStore(file);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** A workspace that does not exist yet holds no past tasks; reading it must not create it. */
function emptyStore(): import('../store/metadata/prior-store.ts').PriorStore {
  return { put: () => Promise.reject(new Error('no workspace')), get: async () => undefined, list: async () => [], remove: async () => false, close: async () => undefined };
}

function noWorkspace(home: string): DeeplineError {
  return new DeeplineError('DL_PRIOR', `no workspace at ${home}: there are no finished studies to learn from`, { hint: 'run a task first (`deepline run task.yaml`), or pass --home <the workspace folder>' });
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new DeeplineError('DL_USAGE', `${flag} must be a positive integer, but got ${JSON.stringify(value)}`, { hint: `for example ${flag} 12` });
  return n;
}
