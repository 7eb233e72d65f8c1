import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { StudySummary } from '../../search/study-summary.ts';
import type { RunDetail } from '../../store/metadata/metadata-store.ts';
import type { StudyListItem, StudyView } from '../api-types.ts';
import { notFound } from '../not-found.ts';
import { outputOf } from '../run-detail-view.ts';
import { buildStudyView, searchStepOf, studyNameOf } from '../study-view.ts';
import { parseInput } from '../ui-input.ts';
import type { UiState } from '../ui-state.ts';
import { RUN_ID, resolveRun } from './run-routes.ts';

const StudyParams = z.strictObject({ name: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, 'a study name, e.g. search-0123456789abcdef (GET /api/studies lists them)') });
const IdParams = z.strictObject({ id: RUN_ID });

/** GET /api/studies, /api/studies/:name and /api/runs/:id/study: a search's trials and what they show. */
export async function studyRoutes(app: FastifyInstance, { state }: { state: UiState }): Promise<void> {
  const { studies, metadata, artifacts } = state.workspace;

  /** The study's view; `detail` is the run that searched it, when known. */
  const view = async (name: string, detail: RunDetail | undefined): Promise<StudyView> => {
    const study = await studies.getStudy(name);
    if (!study) {
      throw notFound(
        detail ? `the search of run ${detail.run.id} has not created its study yet` : `no study ${JSON.stringify(name)} in this workspace`,
        detail ? 'it appears as soon as the search step starts its first trial; listen to /api/events' : 'GET /api/studies lists the studies',
      );
    }
    const trials = await studies.listTrials(name);
    const step = detail && searchStepOf(detail);
    const summaryHash = detail && outputOf(detail, 'search', 'study');
    const ref = summaryHash === undefined ? undefined : await artifacts.get(summaryHash);
    const summary = ref ? await artifacts.readJson<StudySummary>(ref) : undefined;
    const live = detail !== undefined && step?.status === 'running' && (await state.workspace.liveStatus(detail.run)) === 'running';
    return buildStudyView(study, trials, { ...(detail && { runId: detail.run.id }), live, ...(summary && summary.name === name && { summary }), now: Date.now() });
  };

  app.get('/api/studies', async (): Promise<StudyListItem[]> => {
    const items: StudyListItem[] = [];
    for (const { runId, name } of state.index.studies()) {
      const study = await studies.getStudy(name);
      if (!study) continue;
      const trials = await studies.listTrials(name);
      items.push({ name, runId, createdAt: study.createdAt, trials: trials.length, live: state.watcher.isLiveStudy(name) });
    }
    return items;
  });

  app.get('/api/studies/:name', async (request) => {
    const { name } = parseInput(StudyParams, request.params, 'params');
    const owner = state.index.studies().find((s) => s.name === name);
    const detail = owner ? await metadata.getRunDetail(owner.runId) : undefined;
    return view(name, detail);
  });

  app.get('/api/runs/:id/study', async (request) => {
    const { id } = parseInput(IdParams, request.params, 'params');
    const detail = await resolveRun(state, id);
    const name = studyNameOf(detail);
    if (!name) throw notFound(`run ${detail.run.id} has no search`, 'runs with a search step show hasSearch: true in GET /api/runs');
    return view(name, detail);
  });
}
