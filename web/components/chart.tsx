import type { EChartsOption } from 'echarts';
import type { ECharts } from 'echarts/core';
import { useEffect, useRef } from 'preact/hooks';

type Runtime = typeof import('../echarts-runtime.ts');
let runtime: Promise<Runtime> | undefined;

function titleOf(option: EChartsOption): string {
  const title = Array.isArray(option.title) ? option.title[0] : option.title;
  return typeof title?.text === 'string' ? title.text : 'chart';
}

/**
 * An ECharts chart of an option from the shared builders (src/render/charts/ and the reports'
 * chart modules). Give it a memoised option: a new option object redraws the chart. ECharts is
 * loaded with the first chart shown.
 */
export function Chart({ option, height = 280 }: { option: EChartsOption; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | undefined>(undefined);
  const latest = useRef(option);
  latest.current = option;
  useEffect(() => {
    let disposed = false;
    let resize: ResizeObserver | undefined;
    void (runtime ??= import('../echarts-runtime.ts')).then(({ init }) => {
      if (disposed || !box.current) return;
      const instance = init(box.current);
      chart.current = instance;
      instance.setOption(latest.current, { notMerge: true });
      resize = new ResizeObserver(() => instance.resize());
      resize.observe(box.current);
    });
    return () => {
      disposed = true;
      resize?.disconnect();
      chart.current?.dispose();
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
