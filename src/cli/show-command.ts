import type { Command } from 'commander';
import { DeeplineError } from '../errors/index.ts';
import type { RobustnessSummary } from '../evaluate/robustness-summary.ts';
import type { CompressionSummary } from '../evaluate/compression-summary.ts';
import type { StudySummary } from '../search/study-summary.ts';
import type { EnsembleSummary } from '../train/ensemble/ensemble-summary.ts';
import { formatNumber, printJson, printTable } from './output.ts';
import { storeOptions } from './store-options.ts';

export function registerShowCommand(program: Command): void {
  program
    .command('show')
    .description('show one run: steps, params, metrics, artifacts and lineage')
    .argument('<run-id>', 'a run id from `deepline runs` (a unique prefix is enough)')
    .option('--json', 'print JSON')
    .action(async (runId: string, opts: { json?: boolean }) => {
      const { openWorkspace } = await import('../store/workspace.ts');
      const workspace = await openWorkspace(program.opts().home as string, storeOptions(program));
      try {
        const id = await resolveRunId(workspace.metadata, runId);
        const stored = await workspace.metadata.getRunDetail(id);
        if (!stored) throw notFound(runId);
        // A run (and its step in flight) whose process is gone reads `interrupted`, not `running`.
        const status = await workspace.locks.status(stored.run);
        const steps = stored.steps.map((s) => (status === 'interrupted' && s.status === 'running' ? { ...s, status } : s));
        const detail = { ...stored, run: { ...stored.run, status }, steps };
        if (opts.json) return printJson(detail);
        const { run } = detail;
        const out = process.stdout;
        out.write(`run ${run.id}  ${run.name}  (${run.taskType})  ${run.status}\n`);
        out.write(`started ${run.startedAt}${run.endedAt ? `, ended ${run.endedAt}` : ''}\n`);
        if (run.taskFile) out.write(`task file ${run.taskFile}\n`);
        if (run.error) out.write(`error: ${run.error}\n`);
        out.write('\nsteps\n');
        printTable(
          ['step', 'version', 'status', 'time', 'outputs'],
          detail.steps.map((s) => [
            s.name,
            s.version,
            s.status,
            s.durationMs === undefined ? '-' : `${(s.durationMs / 1000).toFixed(2)}s`,
            Object.entries(s.outputs).map(([k, h]) => `${k}=${h.slice(0, 10)}`).join(' '),
          ]),
        );
        const params = Object.entries(detail.params);
        if (params.length) {
          out.write('\nparams\n');
          printTable(['param', 'value'], params.map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
        }
        const finals = lastValues(detail.metrics);
        if (finals.length) {
          out.write('\nmetrics (last value)\n');
          printTable(['step', 'metric', 'value'], finals.map((m) => [m.stepName, m.key, formatNumber(m.value)]));
        }
        const search = detail.steps.find((s) => s.name === 'search' && s.outputs.study);
        const studyRef = search && (await workspace.artifacts.get(search.outputs.study));
        const { formatStudyText } = await import('../search/report/study-report-text.ts');
        if (studyRef) out.write(`\n${formatStudyText(await workspace.artifacts.readJson<StudySummary>(studyRef))}`);
        const trained = detail.steps.find((s) => s.name === 'train' && s.outputs.ensemble);
        const ensembleRef = trained && (await workspace.artifacts.get(trained.outputs.ensemble!));
        if (ensembleRef) {
          const { formatEnsembleText } = await import('../train/ensemble/ensemble-text.ts');
          out.write(`\n${formatEnsembleText(await workspace.artifacts.readJson<EnsembleSummary>(ensembleRef))}\n`);
        }
        const robustness = detail.steps.find((s) => s.name === 'robustness' && s.outputs.robustness);
        const robustnessRef = robustness && (await workspace.artifacts.get(robustness.outputs.robustness));
        if (robustnessRef) {
          const { formatRobustnessText } = await import('../evaluate/robustness-text.ts');
          out.write(`\n${formatRobustnessText(await workspace.artifacts.readJson<RobustnessSummary>(robustnessRef))}\n`);
        }
        const compress = detail.steps.find((s) => s.name === 'compress' && s.outputs.summary);
        const compressionRef = compress && (await workspace.artifacts.get(compress.outputs.summary));
        if (compressionRef) {
          const { formatCompressionText } = await import('../evaluate/compression-text.ts');
          out.write(`\n${formatCompressionText(await workspace.artifacts.readJson<CompressionSummary>(compressionRef))}\n`);
        }
        if (detail.artifacts.length) {
          out.write('\nartifacts\n');
          printTable(['hash', 'kind', 'size', 'uri'], detail.artifacts.map((a) => [a.hash.slice(0, 12), a.kind, String(a.size), a.uri]));
        }
        if (detail.lineage.length) {
          out.write('\nlineage\n');
          printTable(
            ['step', 'direction', 'name', 'artifact'],
            detail.lineage.map((e) => [e.stepName, e.direction === 'input' ? '<- in' : '-> out', e.name, e.artifactHash.slice(0, 12)]),
          );
        }
      } finally {
        await workspace.close();
      }
    });
}

async function resolveRunId(metadata: { getRun(id: string): Promise<unknown>; listRuns(o?: { limit?: number }): Promise<{ id: string }[]> }, id: string): Promise<string> {
  if (await metadata.getRun(id)) return id;
  const matches = (await metadata.listRuns({ limit: 100000 })).filter((r) => r.id.startsWith(id));
  if (matches.length === 1) return matches[0].id;
  if (matches.length > 1) {
    throw new DeeplineError('DL_USAGE', `run id prefix \`${id}\` matches ${matches.length} runs`, { hint: 'give more characters of the id' });
  }
  throw notFound(id);
}

function notFound(id: string): DeeplineError {
  return new DeeplineError('DL_RUN_NOT_FOUND', `no run \`${id}\` in this workspace`, { hint: 'list runs with `deepline runs`' });
}

function lastValues<M extends { stepName: string; key: string }>(metrics: readonly M[]): M[] {
  const last = new Map<string, M>();
  for (const m of metrics) last.set(`${m.stepName}\u0000${m.key}`, m);
  return [...last.values()];
}
