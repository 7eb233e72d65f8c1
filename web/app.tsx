import { useEffect } from 'preact/hooks';
import { api } from './api.ts';
import { EmptyState } from './components/empty-state.tsx';
import { NavBar } from './components/nav-bar.tsx';
import { ComparePage } from './pages/compare-page.tsx';
import { CompressionPage } from './pages/compression-page.tsx';
import { ModelPage } from './pages/model-page.tsx';
import { ModelsPage } from './pages/models-page.tsx';
import { MonitoringPage } from './pages/monitoring-page.tsx';
import { RunPage } from './pages/run-page.tsx';
import { RunsPage } from './pages/runs-page.tsx';
import { SearchPage } from './pages/search-page.tsx';
import { SearchesPage } from './pages/searches-page.tsx';
import { type Route, useRoute } from './router.ts';
import { shortRunId } from './format.ts';
import { useResource } from './use-resource.ts';

/** The page for a route, and the section of the header it belongs to. */
function page(route: Route): { section: string; title: string; view: preact.JSX.Element } {
  const [first = 'runs', second, third] = route.segments;
  if (first === 'runs' && second && third === 'search') return { section: 'searches', title: `search of ${shortRunId(second)}`, view: <SearchPage key={second} runId={second} /> };
  if (first === 'runs' && second && third === 'compression') return { section: 'runs', title: `compression of ${shortRunId(second)}`, view: <CompressionPage key={second} runId={second} /> };
  if (first === 'runs' && second) return { section: 'runs', title: `run ${shortRunId(second)}`, view: <RunPage key={second} id={second} /> };
  if (first === 'runs') return { section: 'runs', title: 'runs', view: <RunsPage /> };
  if (first === 'compare') {
    const ids = (route.query.get('ids') ?? '').split(',').filter(Boolean);
    return { section: 'runs', title: 'compare', view: <ComparePage ids={ids} /> };
  }
  if (first === 'studies' && second) return { section: 'searches', title: `search ${second}`, view: <SearchPage key={second} study={second} /> };
  if (first === 'searches' || first === 'studies') return { section: 'searches', title: 'searches', view: <SearchesPage /> };
  if (first === 'models' && second) return { section: 'models', title: `model ${second}`, view: <ModelPage key={second} name={second} /> };
  if (first === 'models') return { section: 'models', title: 'models', view: <ModelsPage /> };
  if (first === 'monitoring') return { section: 'monitoring', title: 'monitoring', view: <MonitoringPage /> };
  return {
    section: '',
    title: 'not found',
    view: (
      <EmptyState title={`No page ${location.hash}`}>
        Go to the <a href="#/runs">runs</a>.
      </EmptyState>
    ),
  };
}

/** The dashboard: the header, and the page the hash route names. */
export function App() {
  const route = useRoute();
  const info = useResource(() => api.info(), []);
  const { section, title, view } = page(route);
  useEffect(() => {
    document.title = `${title} · deepline ui`;
  }, [title]);
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <NavBar current={section} info={info.data} />
      <main id="main" tabIndex={-1}>
        {view}
      </main>
    </>
  );
}
