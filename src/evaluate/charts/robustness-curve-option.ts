import type { EChartsOption } from 'echarts';
import { lineChartOption } from '../../render/charts/line-chart-option.ts';

export interface RobustnessCurveInput {
  readonly attack: string;
  readonly epsilonUnit: 'range' | 'tokens';
  readonly curve: readonly { readonly epsilon: number; readonly accuracy: number }[];
}

/** Accuracy against the attack's ε, ε in percent (of the input range, or of the tokens). Pure. */
export function robustnessCurveOption(input: RobustnessCurveInput): EChartsOption {
  return lineChartOption({
    title: `accuracy against ε (${input.attack})`,
    xLabel: input.epsilonUnit === 'tokens' ? 'ε, % of tokens swapped' : 'ε, % of the input range',
    yLabel: 'accuracy',
    series: [{ name: `accuracy under ${input.attack}`, color: '#dc2626', points: input.curve.map((p) => [p.epsilon * 100, p.accuracy] as const) }],
  });
}
