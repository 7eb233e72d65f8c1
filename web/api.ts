import type {
  ApiError,
  CompareView,
  CompressionView,
  ModelDetailView,
  ModelsView,
  MonitoringView,
  RunDeletedView,
  RunDetailView,
  RunSortKey,
  RunsPage,
  SecurityView,
  ServerInfo,
  StageChangeView,
  StudyListItem,
  StudyView,
  UiRunStatus,
  UiStage,
} from '../src/ui/api-types.ts';

/** An answer other than 2xx, with the server's coded error when it sent one. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

export interface RunsQuery {
  readonly limit?: number;
  readonly offset?: number;
  readonly status?: readonly UiRunStatus[];
  readonly task?: readonly string[];
  readonly q?: string;
  readonly sort?: RunSortKey;
  readonly order?: 'asc' | 'desc';
}

const enc = encodeURIComponent;

async function request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, token?: string): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers['x-deepline-token'] = token;
  const response = await fetch(path, { method, headers, ...(body !== undefined && { body: JSON.stringify(body) }) });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    throw new ApiRequestError(response.status, 'DL_UI_RESPONSE', `${method} ${path} answered ${response.status} with something other than JSON`);
  }
  if (!response.ok) {
    const error = (json as ApiError | undefined)?.error;
    throw new ApiRequestError(response.status, error?.code ?? 'DL_UI_HTTP', error?.message ?? `${method} ${path} answered ${response.status}`, error?.hint);
  }
  return json as T;
}

function query(params: Record<string, string | number | undefined>): string {
  const parts = Object.entries(params).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `${k}=${enc(String(v))}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

/** The dashboard's whole view of the server: one typed function per endpoint of src/ui/api-types.ts. */
export const api = {
  info: () => request<ServerInfo>('GET', '/api/info'),
  runs: (q: RunsQuery = {}) =>
    request<RunsPage>(
      'GET',
      `/api/runs${query({ limit: q.limit, offset: q.offset, status: q.status?.join(','), task: q.task?.join(','), q: q.q, sort: q.sort, order: q.order })}`,
    ),
  run: (id: string) => request<RunDetailView>('GET', `/api/runs/${enc(id)}`),
  compare: (ids: readonly string[]) => request<CompareView>('GET', `/api/compare?ids=${ids.map(enc).join(',')}`),
  runStudy: (id: string) => request<StudyView>('GET', `/api/runs/${enc(id)}/study`),
  study: (name: string) => request<StudyView>('GET', `/api/studies/${enc(name)}`),
  studies: () => request<StudyListItem[]>('GET', '/api/studies'),
  compression: (id: string) => request<CompressionView>('GET', `/api/runs/${enc(id)}/compression`),
  security: (id: string) => request<SecurityView>('GET', `/api/runs/${enc(id)}/security`),
  models: () => request<ModelsView>('GET', '/api/models'),
  model: (name: string) => request<ModelDetailView>('GET', `/api/models/${enc(name)}`),
  promote: (name: string, body: { version: number; stage: Exclude<UiStage, 'none'>; reason?: string }, token: string) =>
    request<StageChangeView>('POST', `/api/models/${enc(name)}/promote`, body, token),
  rollback: (name: string, body: { reason?: string }, token: string) => request<StageChangeView>('POST', `/api/models/${enc(name)}/rollback`, body, token),
  monitoring: () => request<MonitoringView>('GET', '/api/monitoring'),
  deleteRun: (id: string, token: string) => request<RunDeletedView>('DELETE', `/api/runs/${enc(id)}`, undefined, token),
};
