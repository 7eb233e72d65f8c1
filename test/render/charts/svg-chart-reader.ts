/** What a test can read back from a chart that renderChartSvg drew (ECharts' SSR marks its symbols and legend items). */
export interface ReadChart {
  readonly title: string;
  /** Legend entries by series index. */
  readonly legend: ReadonlyMap<number, string>;
  /** How many data symbols (points) series `index` has on the chart. */
  symbols(index: number): number;
  readonly svg: string;
}

/** Every chart in a page, in order. */
export function chartsIn(html: string): ReadChart[] {
  return [...html.matchAll(/<svg class="chart" role="img"(?: aria-label="([^"]*)")?[\s\S]*?<\/svg>/g)].map((m) => {
    const svg = m[0];
    const legend = new Map<number, string>();
    for (const l of svg.matchAll(/<text[^>]*>([^<]*)<\/text>\n<path[^>]*ecmeta_series_index="(\d+)"[^>]*ecmeta_ssr_type="legend"/g)) legend.set(Number(l[2]), l[1]!);
    return {
      title: m[1] ?? '',
      legend,
      svg,
      // A data symbol is a circle path (d="M1 0A1 1 …") scaled into place; marker lines carry the same marks.
      symbols: (index: number) => svg.match(new RegExp(`<path d="M1 0A1 1[^"]*"[^>]*ecmeta_series_index="${index}" ecmeta_data_index="\\d+" ecmeta_ssr_type="chart"`, 'g'))?.length ?? 0,
    };
  });
}

/** The one chart with this title; throws when there is none, so a missing chart fails the test. */
export function chartTitled(html: string, title: string): ReadChart {
  const chart = chartsIn(html).find((c) => c.title === title);
  if (!chart) throw new Error(`no chart titled "${title}" among: ${chartsIn(html).map((c) => c.title).join(' | ')}`);
  return chart;
}
