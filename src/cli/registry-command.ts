import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { DeeplineError } from '../errors/index.ts';
import type { GateResult, ModelRegistryStore, ModelVersion, StageChange, StageEvent, TargetStage } from '../model-registry/model-registry-store.ts';
import type { MetadataStore } from '../store/metadata/metadata-store.ts';
import type { Workspace } from '../store/workspace.ts';
import { formatNumber, printJson, printTable } from './output.ts';
import { storeOptions } from './store-options.ts';

interface ActorOptions {
  by?: string;
  reason?: string;
  json?: boolean;
}

/** The metrics `registry show` puts in columns, in this order, where any version has them. */
const SHOWN_METRICS = ['accuracy', 'macroF1', 'rmse', 'mae', 'r2', 'latencyMs'] as const;

export function registerRegistryCommand(program: Command): void {
  const registry = program
    .command('registry')
    .description('the model registry: named models, their versions and stages (staging, production, archived)')
    .addHelpText(
      'after',
      '\nExample:\n  deepline registry register <run-id> --name iris\n  deepline registry promote iris 1 --reason "first release"\n  deepline serve iris            # serves the production version, and follows promotions\n  deepline registry rollback iris --reason "errors up"',
    );

  registry
    .command('register')
    .description("add a run's model as the next version of a registered model (its files are pinned in the workspace)")
    .argument('<run>', 'a run id (or a unique prefix) or a run output folder')
    .requiredOption('--name <model>', 'the registered model to add a version to (created at version 1)')
    .option('--by <actor>', 'who or what registers it (default: the OS user)')
    .option('--note <text>', 'a note kept with the version')
    .option('--json', 'print JSON')
    .action(async (run: string, opts: { name: string; by?: string; note?: string; json?: boolean }) => {
      await withRegistry(program, async (workspace, store) => {
        const [{ registerRun }, { defaultActor }] = await Promise.all([import('../model-registry/register-run.ts'), import('../model-registry/default-actor.ts')]);
        const source = await runSource(workspace.metadata, run);
        const version = await registerRun(
          { registry: store, metadata: workspace.metadata, artifacts: workspace.artifacts, locks: workspace.locks, scratch: join(workspace.home, 'tmp') },
          { model: opts.name, ...source, actor: opts.by ?? defaultActor(), ...(opts.note !== undefined && { note: opts.note }) },
        );
        if (opts.json) return printJson(version);
        process.stdout.write(`registered ${version.model} version ${version.version}${version.runId ? ` from run ${version.runId}` : ''} (${Object.keys(version.artifacts.files).length} files pinned)\n`);
        const gates = Object.entries(version.gates);
        if (gates.length > 0) process.stdout.write(`gates: ${gates.map(([m, e]) => `${m} ${e}`).join(', ')}\n`);
        process.stdout.write(`promote it with: deepline registry promote ${version.model} ${version.version}\n`);
      });
    });

  registry
    .command('list')
    .description('list registered models with their production and staging versions')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withRegistry(program, async (_workspace, store) => {
        const models = await store.listModels();
        if (opts.json) return printJson(models);
        if (models.length === 0) return void process.stdout.write('no registered models yet: deepline registry register <run-id> --name <model>\n');
        printTable(
          ['model', 'versions', 'production', 'staging', 'updated'],
          models.map((m) => [m.name, String(m.versions), m.production === undefined ? '-' : String(m.production), m.staging === undefined ? '-' : String(m.staging), shortTime(m.updatedAt)]),
        );
      });
    });

  registry
    .command('show')
    .description("one model: its versions (stage, run, data version, metrics, gates) and the history of its stages")
    .argument('<model>', 'a registered model')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { json?: boolean }) => {
      await withRegistry(program, async (_workspace, store) => {
        const model = await store.getModel(name);
        if (!model) throw await noSuchModel(store, name);
        const [versions, history] = await Promise.all([store.listVersions(name), store.history(name)]);
        if (opts.json) return printJson({ model, versions, history });
        printModel(versions, history);
      });
    });

  registry
    .command('promote')
    .description("move a version to production (or staging, archived) after its task's release gates pass")
    .argument('<model>', 'a registered model')
    .argument('<version>', 'the version number')
    .option('--stage <stage>', 'production, staging or archived', 'production')
    .option('--by <actor>', 'who or what promotes it (default: the OS user)')
    .option('--reason <text>', 'why, kept in the history')
    .option('--force', 'promote even though a release gate fails (recorded as forced)')
    .option('--json', 'print JSON')
    .action(async (name: string, versionText: string, opts: ActorOptions & { stage: string; force?: boolean }) => {
      const version = Number(versionText);
      if (!Number.isSafeInteger(version) || version < 1) throw new DeeplineError('DL_USAGE', `<version> must be a version number (1, 2, …), but got ${versionText}`);
      if (!['production', 'staging', 'archived'].includes(opts.stage)) throw new DeeplineError('DL_USAGE', `--stage must be production, staging or archived, but got ${opts.stage}`);
      await withRegistry(program, async (_workspace, store) => {
        const [{ promoteVersion }, { defaultActor }] = await Promise.all([import('../model-registry/promote-version.ts'), import('../model-registry/default-actor.ts')]);
        const change = await promoteVersion(store, {
          model: name,
          version,
          stage: opts.stage as TargetStage,
          actor: opts.by ?? defaultActor(),
          ...(opts.reason !== undefined && { reason: opts.reason }),
          ...(opts.force === true && { force: true }),
        });
        if (opts.json) return printJson(change);
        await printChange(change);
      });
    });

  registry
    .command('rollback')
    .description('return production to the version that was in production before the current one')
    .argument('<model>', 'a registered model')
    .option('--by <actor>', 'who or what rolls back (default: the OS user)')
    .option('--reason <text>', 'why, kept in the history')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: ActorOptions) => {
      await withRegistry(program, async (_workspace, store) => {
        const { defaultActor } = await import('../model-registry/default-actor.ts');
        const change = await store.rollback({ model: name, actor: opts.by ?? defaultActor(), ...(opts.reason !== undefined && { reason: opts.reason }) });
        if (opts.json) return printJson(change);
        await printChange(change);
      });
    });
}

/** Opens the workspace and its registry for one command, and closes both after. */
async function withRegistry(program: Command, fn: (workspace: Workspace, store: ModelRegistryStore) => Promise<void>): Promise<void> {
  const [{ openWorkspace }, { openModelRegistry }] = await Promise.all([import('../store/workspace.ts'), import('../model-registry/open-model-registry.ts')]);
  const workspace = await openWorkspace(program.opts().home as string, storeOptions(program));
  const store = openModelRegistry(workspace);
  try {
    await fn(workspace, store);
  } finally {
    await store.close();
    await workspace.close();
  }
}

/** A folder as given, or a run id (or unique prefix) → its output folder, which must still hold that run's model. */
async function runSource(metadata: MetadataStore, run: string): Promise<{ dir: string; runId?: string }> {
  if (existsSync(run) && statSync(run).isDirectory()) return { dir: resolve(run) };
  const runs = await metadata.listRuns();
  const exact = runs.find((r) => r.id === run);
  const matches = exact ? [exact] : runs.filter((r) => r.id.startsWith(run));
  if (matches.length > 1) throw new DeeplineError('DL_USAGE', `run id prefix \`${run}\` matches ${matches.length} runs`, { hint: 'give more characters of the id' });
  const found = matches[0];
  const output = (found?.spec as { output?: string } | undefined)?.output;
  if (!found || !output) {
    throw new DeeplineError('DL_RUN_NOT_FOUND', `${run} is neither a folder nor a run id in this workspace`, { hint: 'give an id from `deepline runs` or the output folder of a run' });
  }
  return { dir: output, runId: found.id };
}

async function noSuchModel(store: ModelRegistryStore, name: string): Promise<DeeplineError> {
  const names = (await store.listModels()).map((m) => m.name);
  return new DeeplineError('DL_REGISTRY', `no model named ${JSON.stringify(name)} in the registry${names.length ? `; registered: ${names.join(', ')}` : ''}`, {
    hint: names.length ? '`deepline registry list` lists them' : 'register a run first: deepline registry register <run-id> --name <model>',
  });
}

function printModel(versions: readonly ModelVersion[], history: readonly StageEvent[]): void {
  const out = process.stdout;
  const columns = SHOWN_METRICS.filter((m) => versions.some((v) => v.metrics[m] !== undefined));
  const stageOf = (stage: string): string => (stage === 'none' ? '-' : stage);
  printTable(
    ['version', 'stage', ...columns, 'run', 'data version', 'gates', 'registered', 'by'],
    versions.map((v) => [
      String(v.version),
      stageOf(v.stage),
      ...columns.map((m) => (v.metrics[m] === undefined ? '-' : formatNumber(v.metrics[m]!))),
      v.runId ?? '-',
      v.dataVersion?.slice(0, 12) ?? '-',
      Object.entries(v.gates).map(([m, e]) => `${m} ${e}`).join(', ') || '-',
      shortTime(v.registeredAt),
      v.actor,
    ]),
  );
  out.write('\nhistory\n');
  printTable(
    ['time', 'version', 'change', 'by', 'reason', 'gates'],
    history.map((e) => [
      shortTime(e.at),
      String(e.version),
      e.kind === 'register' ? 'registered' : `${stageOf(e.from ?? 'none')} → ${e.to}${e.kind === 'promote' ? '' : ` (${e.kind})`}${e.forced ? ' FORCED' : ''}`,
      e.actor,
      e.reason ?? '',
      e.gates ? gateSummary(e.gates) : '',
    ]),
  );
}

async function printChange(change: StageChange): Promise<void> {
  const { describeGate } = await import('../model-registry/check-gates.ts');
  const { version, replaced, events } = change;
  const moved = events.find((e) => e.version === version.version)!;
  process.stdout.write(`${version.model}: version ${version.version} ${moved.from === undefined || moved.from === 'none' ? '' : `${moved.from} `}→ ${version.stage}${moved.kind === 'rollback' ? ' (rollback)' : ''}\n`);
  if (replaced) process.stdout.write(`${version.model}: version ${replaced.version} → ${replaced.stage}\n`);
  for (const gate of moved.gates ?? []) process.stdout.write(`  ${gate.passed ? 'pass' : 'FAIL'}  ${describeGate(gate)}\n`);
  if (moved.forced) process.stdout.write(`  forced past the failed gate${(moved.gates ?? []).filter((g) => !g.passed).length > 1 ? 's' : ''} (recorded)\n`);
  process.stdout.write(`  by ${moved.actor}${moved.reason ? `: ${moved.reason}` : ''}\n`);
}

function gateSummary(gates: readonly GateResult[]): string {
  const failed = gates.filter((g) => !g.passed).map((g) => g.metric);
  return failed.length === 0 ? `${gates.length} passed` : `failed: ${failed.join(', ')}`;
}

function shortTime(iso: string): string {
  return iso.replace('T', ' ').slice(0, 19);
}
