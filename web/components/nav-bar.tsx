import type { ServerInfo } from '../../src/ui/api-types.ts';

const ITEMS: readonly { readonly id: string; readonly label: string; readonly href: string }[] = [
  { id: 'runs', label: 'Runs', href: '#/runs' },
  { id: 'searches', label: 'Searches', href: '#/searches' },
  { id: 'models', label: 'Models', href: '#/models' },
  { id: 'monitoring', label: 'Monitoring', href: '#/monitoring' },
];

/** The header: the product, the sections (the current one marked for screen readers too), the workspace. */
export function NavBar({ current, info }: { current: string; info?: ServerInfo }) {
  return (
    <header class="topbar">
      <a class="brand" href="#/runs">
        deepline
      </a>
      <nav aria-label="sections">
        <ul>
          {ITEMS.map((item) => (
            <li key={item.id}>
              <a href={item.href} aria-current={current === item.id ? 'page' : undefined}>
                {item.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {info && (
        <span class="workspace" title={info.workspace}>
          {info.workspace} · v{info.version}
          {info.actionsAllowed ? ' · actions on' : ''}
        </span>
      )}
    </header>
  );
}
