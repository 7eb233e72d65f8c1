/** The look every chart shares, in the report and in the UI: the report's greys and font sizes. */
export const CHART_TEXT = '#1f2328';
export const CHART_MUTED = '#57606a';
export const CHART_GRID = '#eaeef2';
export const CHART_FRAME = '#8c959f';

/** The title block of a chart: small, centred, not bold, so several charts sit together quietly. */
export function chartTitle(text: string): { text: string; left: 'center'; top: number; textStyle: { fontSize: number; fontWeight: 'normal'; color: string } } {
  return { text, left: 'center', top: 4, textStyle: { fontSize: 12, fontWeight: 'normal', color: CHART_TEXT } };
}

/** A value axis in the report's style: light grid lines, muted ticks, the name under or beside it. */
export function valueAxis(name: string, where: 'x' | 'y', type: 'value' | 'log' = 'value', logBase = 10): Record<string, unknown> {
  return {
    type,
    ...(type === 'log' ? { logBase } : { scale: true }),
    name,
    nameLocation: 'middle',
    nameGap: where === 'x' ? 26 : 44,
    nameTextStyle: { color: CHART_TEXT, fontSize: 12 },
    axisLine: { show: true, lineStyle: { color: CHART_FRAME } },
    axisTick: { show: where === 'x' },
    axisLabel: { color: CHART_MUTED, fontSize: 11, hideOverlap: true },
    splitLine: { show: where === 'y', lineStyle: { color: CHART_GRID } },
  };
}

/** A number as a short tick or tooltip label: 4 significant digits, exponent form for the very large or small. */
export function formatChartNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 100000 || (v !== 0 && Math.abs(v) < 0.001) ? v.toExponential(2) : String(Number(v.toPrecision(4)));
}
