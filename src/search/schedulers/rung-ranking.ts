import { crowdingDistance, nonDominatedSort } from '../pareto.ts';
import type { Direction } from '../trial.ts';

/**
 * How many of `points` rank strictly ahead of `points[self]`. With one objective "ahead" means a
 * strictly better value; with several, a lower non-dominated rank, or the same rank and a strictly
 * larger crowding distance (NSGA-II's order: spread-out points are worth more). Ties never count
 * against a point, so equal results are treated alike.
 */
export function rungRank(points: readonly (readonly number[])[], self: number, directions: readonly Direction[]): number {
  if (directions.length === 1) {
    const sign = directions[0] === 'minimize' ? 1 : -1;
    const mine = sign * points[self][0];
    return points.filter((p, i) => i !== self && sign * p[0] < mine).length;
  }
  const fronts = nonDominatedSort(points, directions);
  let ahead = 0;
  for (const front of fronts) {
    const position = front.indexOf(self);
    if (position === -1) {
      ahead += front.length;
      continue;
    }
    const crowding = crowdingDistance(front.map((i) => points[i]));
    return ahead + crowding.filter((d, j) => j !== position && d > crowding[position]).length;
  }
  return ahead;
}
