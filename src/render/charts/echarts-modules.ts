import { BarChart, LineChart, ParallelChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, ParallelComponent, TitleComponent, TooltipComponent } from 'echarts/components';

/**
 * The ECharts charts and components deepline's option builders use: the `deepline ui` page
 * registers exactly these (plus a renderer), so its bundle carries nothing else. report.html's
 * server-side renderer loads ECharts' one-file build, which holds these among the rest: the same
 * options draw the same charts in both.
 */
export const CHART_MODULES = [LineChart, ScatterChart, ParallelChart, BarChart, GridComponent, TitleComponent, LegendComponent, TooltipComponent, MarkLineComponent, ParallelComponent];
