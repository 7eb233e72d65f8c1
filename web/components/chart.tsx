import type { EChartsOption } from 'echarts';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'preact/hooks';
import { CHART_MODULES } from '../../src/render/charts/echarts-modules.ts';

// The same modules report.html's server-side renderer registers, drawn by the same (SVG) renderer.
echarts.use([...CHART_MODULES, SVGRenderer]);

function titleOf(option: EChartsOption): string {
  const title = Array.isArray(option.title) ? option.title[0] : option.title;
  return typeof title?.text === 'string' ? title.text : 'chart';
}

/**
 * An ECharts chart of an option from the shared builders (src/render/charts/ and the reports'
 * chart modules). Give it a memoised option: a new option object redraws the chart.
 */
export function Chart({ option, height = 280 }: { option: EChartsOption; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | undefined>(undefined);
  useEffect(() => {
    const element = box.current!;
    const instance = echarts.init(element, null, { renderer: 'svg' });
    chart.current = instance;
    const resize = new ResizeObserver(() => instance.resize());
    resize.observe(element);
    return () => {
      resize.disconnect();
      instance.dispose();
      chart.current = undefined;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);
  const label = titleOf(option);
  return (
    <figure class="chart">
      <div ref={box} class="chart-canvas" style={{ height: `${height}px` }} role="img" aria-label={label} data-chart={label} />
    </figure>
  );
}
