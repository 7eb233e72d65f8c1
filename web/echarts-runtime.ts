import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { CHART_MODULES } from '../src/render/charts/echarts-modules.ts';

// The same modules report.html's server-side renderer registers, drawn by the same (SVG)
// renderer. A chunk of its own: a page without charts (the runs table) never loads ECharts.
echarts.use([...CHART_MODULES, SVGRenderer]);

export const init = (element: HTMLElement): echarts.ECharts => echarts.init(element, null, { renderer: 'svg' });
