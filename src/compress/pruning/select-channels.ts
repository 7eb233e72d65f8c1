import type { ChannelSelection } from './prune-channels.ts';

/**
 * `layer`: every space loses the same share of its channels; `global`: channels compete across
 * spaces on scores normalised per space (each space's mean is 1), so layers with many weak
 * channels lose more, within a floor per space.
 */
export type PruneScope = 'layer' | 'global';

export interface SelectionTarget {
  /** Share of each space's original channels to have removed after this step, in [0, 1). */
  readonly fraction: number;
  readonly scope: PruneScope;
  /** A space never keeps fewer than this share of its original channels (global scope), nor fewer than 1. */
  readonly minKeep?: number;
}

export interface SpaceScores {
  readonly key: string;
  /** Channels before any pruning, the base of the fractions. */
  readonly original: number;
  /** One per current channel. */
  readonly scores: Float32Array;
}

/** The channels to keep per space (ascending indices) so that `fraction` of the original channels are gone. */
export function selectChannels(spaces: readonly SpaceScores[], target: SelectionTarget): ChannelSelection {
  const floor = (s: SpaceScores): number => Math.max(1, Math.ceil(s.original * (target.minKeep ?? 0.1)));
  const keepCount = new Map<string, number>();
  if (target.scope === 'layer') {
    for (const s of spaces) keepCount.set(s.key, Math.min(s.scores.length, Math.max(1, Math.round(s.original * (1 - target.fraction)))));
  } else {
    const originalTotal = spaces.reduce((n, s) => n + s.original, 0);
    const currentTotal = spaces.reduce((n, s) => n + s.scores.length, 0);
    let remove = Math.max(0, currentTotal - Math.round(originalTotal * (1 - target.fraction)));
    const ranked = spaces.flatMap((s) => {
      const mean = s.scores.reduce((a, b) => a + b, 0) / s.scores.length;
      return Array.from(s.scores, (v, c) => ({ key: s.key, c, score: mean > 0 ? v / mean : 0 }));
    });
    ranked.sort((a, b) => a.score - b.score || a.c - b.c);
    for (const s of spaces) keepCount.set(s.key, s.scores.length);
    for (const r of ranked) {
      if (remove === 0) break;
      const space = spaces.find((s) => s.key === r.key)!;
      const left = keepCount.get(r.key)!;
      if (left <= floor(space)) continue;
      keepCount.set(r.key, left - 1);
      remove--;
    }
  }
  return new Map(spaces.map((s) => [s.key, strongest(s.scores, keepCount.get(s.key)!)]));
}

/** The indices of the `k` highest scores, ascending (ties keep the lower index). */
function strongest(scores: Float32Array, k: number): Int32Array {
  const order = Array.from(scores, (v, c) => ({ v, c })).sort((a, b) => b.v - a.v || a.c - b.c);
  return Int32Array.from(order.slice(0, k).map((o) => o.c)).sort();
}
