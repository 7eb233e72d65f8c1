import type { StepView } from '../../src/ui/api-types.ts';
import { formatDuration } from '../format.ts';
import { StatusBadge } from './status-badge.tsx';

/**
 * A run's steps on one time axis: each row a step with its status, duration and cache hit, and a
 * bar placed where it ran within the run. A table underneath, so it reads without the bars too.
 */
export function StepTimeline({ steps }: { steps: readonly StepView[] }) {
  const end = Math.max(1, ...steps.map((s) => s.offsetMs + (s.durationMs ?? 0)));
  return (
    <table class="timeline">
      <caption>Steps: when each ran within the run, how long it took, and whether its outputs came from the cache</caption>
      <thead>
        <tr>
          <th scope="col">step</th>
          <th scope="col">status</th>
          <th scope="col" class="num">
            duration
          </th>
          <th scope="col" class="timeline-axis">
            timeline (0 – {formatDuration(end)})
          </th>
        </tr>
      </thead>
      <tbody>
        {steps.map((s) => {
          const left = (s.offsetMs / end) * 100;
          const width = Math.max(0.4, ((s.durationMs ?? 0) / end) * 100);
          return (
            <tr key={s.id} data-step={s.name} data-status={s.status}>
              <th scope="row" title={s.error ?? `version ${s.version}`}>
                {s.name}
              </th>
              <td>
                <StatusBadge status={s.status} />
                {s.cached && s.status !== 'cached' && <span class="badge badge-cached">cache hit</span>}
              </td>
              <td class="num">{s.durationMs === undefined ? '–' : formatDuration(s.durationMs)}</td>
              <td class="timeline-cell">
                <span class={`bar bar-${s.status}`} style={{ left: `${left}%`, width: `${Math.min(width, 100 - left)}%` }} title={`${s.name}: ${s.durationMs === undefined ? 'running' : formatDuration(s.durationMs)}`} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
