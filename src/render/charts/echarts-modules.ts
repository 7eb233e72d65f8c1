import { BarChart, LineChart, ParallelChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, ParallelComponent, TitleComponent, TooltipComponent } from 'echarts/components';

/**
 * The ECharts charts and components deepline's option builders use: report.html's server-side
 * renderer and the `deepline ui` page both register exactly these (plus a renderer), so the same
 * options draw the same charts in both, and the browser bundle carries nothing else.
 */
export const CHART_MODULES = [LineChart, ScatterChart, ParallelChart, BarChart, GridComponent, TitleComponent, LegendComponent, TooltipComponent, MarkLineComponent, ParallelComponent];
