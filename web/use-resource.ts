import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Resource<T> {
  readonly data?: T;
  readonly error?: Error;
  /** True until the first answer for the current deps (a reload keeps showing the data it has). */
  readonly loading: boolean;
  reload(): void;
}

/**
 * Fetches with `load` whenever `deps` change, and again on `reload()`. Answers that arrive out of
 * order are dropped, so a slow old request never overwrites a newer one. With `keep`, the data
 * of the previous deps stay shown until the new answer (a filter being typed must not flash).
 */
export function useResource<T>(load: () => Promise<T>, deps: readonly unknown[], options: { keep?: boolean } = {}): Resource<T> {
  const depsKey = JSON.stringify(deps);
  const [state, setState] = useState<{ key?: string; data?: T; error?: Error }>({});
  const generation = useRef(0);
  const [tick, setTick] = useState(0);
  // The first request leaves during the first render, not after the first paint (when effects
  // run): a page's data arrive a frame or more sooner, which is most of a first paint's wait.
  const early = useRef<Promise<T> | undefined>(undefined);
  if (generation.current === 0 && early.current === undefined) early.current = load();
  useEffect(() => {
    const mine = ++generation.current;
    const request = mine === 1 && early.current ? early.current : load();
    early.current = undefined;
    request.then(
      (data) => mine === generation.current && setState({ key: depsKey, data }),
      (error: unknown) => mine === generation.current && setState((s) => ({ key: depsKey, data: s.key === depsKey ? s.data : undefined, error: error instanceof Error ? error : new Error(String(error)) })),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [depsKey, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const current = state.key === depsKey;
  const data = current || options.keep ? state.data : undefined;
  const error = current ? state.error : undefined;
  return { data, error, loading: data === undefined && error === undefined, reload };
}
