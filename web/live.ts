import { useEffect, useRef } from 'preact/hooks';
import type { UiEvent, UiEventType } from '../src/ui/api-types.ts';

const TYPES: readonly UiEventType[] = ['hello', 'run-started', 'run-finished', 'step-started', 'step-finished', 'trial-started', 'trial-progress', 'trial-finished', 'models-changed'];

/**
 * Listens to the server's event stream (`/api/events`, server-sent events) while the component is
 * shown: `filter` narrows it to a run or a study. The browser reconnects by itself after a drop;
 * events are not replayed, so `onReconnect` should refetch.
 */
export function useLiveEvents(filter: { run?: string; study?: string } | undefined, onEvent: (event: UiEvent) => void, onReconnect?: () => void): void {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const reconnect = useRef(onReconnect);
  reconnect.current = onReconnect;
  const key = filter === undefined ? undefined : `${filter.run ?? ''}\u0000${filter.study ?? ''}`;
  useEffect(() => {
    if (filter === undefined || typeof EventSource === 'undefined') return undefined;
    const params = new URLSearchParams();
    if (filter.run) params.set('run', filter.run);
    if (filter.study) params.set('study', filter.study);
    const source = new EventSource(`/api/events${params.size > 0 ? `?${params}` : ''}`);
    let opened = 0;
    source.onopen = () => {
      if (opened++ > 0) reconnect.current?.();
    };
    const listener = (message: MessageEvent<string>): void => {
      try {
        handler.current(JSON.parse(message.data) as UiEvent);
      } catch {
        // A malformed message is dropped; the next refetch shows the truth.
      }
    };
    for (const type of TYPES) source.addEventListener(type, listener as EventListener);
    return () => source.close();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
}
