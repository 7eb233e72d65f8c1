import type { JsonValue, Param } from '../space.ts';

/**
 * The grid of one parameter: every choice of a categorical; every value of an int or stepped float
 * with at most `gridSize` of them; otherwise `gridSize` values evenly spaced (geometrically when
 * `log`) from low to high, snapped onto the step grid and deduplicated.
 */
export function gridValues(param: Param, gridSize: number): JsonValue[] {
  if (param.kind === 'categorical') return [...param.choices];
  if (param.low === param.high) return [param.low];
  const step = param.step ?? (param.kind === 'int' ? 1 : undefined);
  if (step !== undefined) {
    const count = Math.floor((param.high - param.low) / step + 1e-9) + 1;
    if (count <= gridSize) return Array.from({ length: count }, (_, k) => tidy(param.low + k * step));
  }
  const values: number[] = [];
  for (let k = 0; k < gridSize; k++) {
    const t = gridSize === 1 ? 0.5 : k / (gridSize - 1);
    let x = param.log === true ? Math.exp(Math.log(param.low) + t * (Math.log(param.high) - Math.log(param.low))) : param.low + t * (param.high - param.low);
    if (step !== undefined) x = param.low + Math.round((x - param.low) / step) * step;
    x = tidy(Math.min(param.high, Math.max(param.low, x)));
    if (!values.includes(x)) values.push(x);
  }
  return values;
}

function tidy(x: number): number {
  return Number.parseFloat(x.toPrecision(12));
}
