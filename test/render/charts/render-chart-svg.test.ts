import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lineChartOption } from '../../../src/render/charts/line-chart-option.ts';
import { renderChartSvg } from '../../../src/render/charts/render-chart-svg.ts';
import { scatterChartOption } from '../../../src/render/charts/scatter-chart-option.ts';
import { chartsIn } from './svg-chart-reader.ts';

const curve = (name: string, ys: number[]) => ({ name, color: '#2563eb', points: ys.map((y, i) => [i + 1, y] as const) });

describe('chart options drawn server-side (report.html)', () => {
  it('leaves non-finite points out of the option and of the drawing', () => {
    const option = lineChartOption({ title: 'loss', xLabel: 'epoch', series: [curve('train', [1, 0.5, 0.25]), curve('validation', [1, Number.NaN, Number.POSITIVE_INFINITY])] });
    const data = (option.series as { data: number[][] }[]).map((s) => s.data);
    assert.deepEqual(data, [
      [
        [1, 1],
        [2, 0.5],
        [3, 0.25],
      ],
      [[1, 1]],
    ]);
    const [chart] = chartsIn(renderChartSvg(option));
    assert.equal(chart!.title, 'loss');
    assert.deepEqual([...chart!.legend.values()], ['train', 'validation']);
    assert.equal(chart!.symbols(0), 3);
    assert.equal(chart!.symbols(1), 1);
  });

  it('is a static SVG: no script, no url() reference, and ids that differ between different charts', () => {
    const a = renderChartSvg(lineChartOption({ title: 'a', xLabel: 'x', series: [curve('s', [1, 2, 3])] }));
    const b = renderChartSvg(lineChartOption({ title: 'b', xLabel: 'x', series: [curve('s', [3, 2, 1])] }));
    for (const svg of [a, b]) {
      assert.ok(svg.startsWith('<svg class="chart" role="img" aria-label='));
      assert.doesNotMatch(svg, /<script|url\(|xlink:|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    }
    const ids = (svg: string) => new Set([...svg.matchAll(/class="(c[0-9a-f]{10})-cls/g)].map((m) => m[1]));
    assert.equal(ids(a).size, 1);
    assert.notDeepEqual([...ids(a)], [...ids(b)], 'two charts on one page never share a class or id prefix');
    assert.equal(renderChartSvg(lineChartOption({ title: 'a', xLabel: 'x', series: [curve('s', [1, 2, 3])] })), a, 'the same chart is drawn the same way');
  });

  it('says "no data" rather than drawing empty axes', () => {
    const svg = renderChartSvg(lineChartOption({ title: 'empty', xLabel: 'x', series: [curve('s', [Number.NaN])] }));
    assert.match(svg, />no data</);
  });

  it('puts the scatter kinds in series of their own and joins the front in x order', () => {
    const option = scatterChartOption({
      title: 'front',
      xLabel: 'latency',
      yLabel: 'error',
      connectHighlighted: true,
      kindNames: { plain: 'dominated', highlight: 'front', best: 'chosen' },
      points: [
        { x: 3, y: 0.1, kind: 'highlight', id: 'a' },
        { x: 1, y: 0.3, kind: 'best', id: 'b' },
        { x: 2, y: 0.4, id: 'c' },
        { x: -1, y: Number.NaN, id: 'd' },
      ],
    });
    const series = option.series as { type: string; name: string; data: ({ name: string } | number[])[] }[];
    assert.deepEqual(
      series.map((s) => [s.type, s.name]),
      [
        ['line', 'front'],
        ['scatter', 'dominated'],
        ['scatter', 'front'],
        ['scatter', 'chosen'],
      ],
    );
    assert.deepEqual(series[0]!.data, [
      [1, 0.3],
      [3, 0.1],
    ]);
    assert.deepEqual(series.slice(1).map((s) => s.data.map((d) => (d as { name: string }).name)), [['c'], ['a'], ['b']]);
  });
});
