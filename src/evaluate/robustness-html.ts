import { escapeHtml } from '../render/escape-html.ts';
import { renderChartSvg } from '../render/charts/render-chart-svg.ts';
import { robustnessCurveOption } from './charts/robustness-curve-option.ts';
import type { RobustnessPoint, RobustnessSummary } from './robustness-summary.ts';

type Measured = Extract<RobustnessSummary, { status: 'measured' }>;

/**
 * The point a headline quotes: the release gate's ε when there is a gate, else 0.05 when the curve
 * has it (a perturbation small enough to go unnoticed on most data), else the curve's middle.
 */
export function headlineRobustness(summary: Measured): RobustnessPoint | undefined {
  const attacked = summary.curve.filter((p) => p.epsilon > 0);
  const wanted = summary.gate?.epsilon ?? 0.05;
  return attacked.find((p) => p.epsilon === wanted) ?? attacked[Math.floor((attacked.length - 1) / 2)];
}

/** `pgd (L∞, 10 steps)`: the attack as a reader needs it. */
export function describeAttack(summary: Measured): string {
  const o = summary.options;
  const parts = [
    ...(typeof o.norm === 'string' ? [o.norm === 'linf' ? 'L∞' : 'L2'] : []),
    ...(typeof o.steps === 'number' ? [`${o.steps} steps`] : []),
    ...(o.randomStart === true ? ['random start'] : []),
    ...(typeof o.maxSwaps === 'number' ? [`at most ${o.maxSwaps} swaps`] : []),
  ];
  return `${summary.attack}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

/** The report's Security section: the curve as a table and a chart, the minimal perturbation, the gate. */
export function renderRobustnessHtml(summary: RobustnessSummary): string {
  const out: string[] = ['<h2>Security</h2>'];
  if (summary.status === 'skipped') {
    out.push(`<p>Robustness was not measured: ${escapeHtml(summary.reason)}.</p>`);
    return out.join('\n');
  }
  const unit = summary.epsilonUnit === 'tokens' ? 'the share of a text’s tokens the attack may swap' : 'a fraction of each feature’s range (its training minimum to maximum, in the model’s input space; categorical features stay fixed)';
  out.push(
    `<p>Accuracy under attack by ${escapeHtml(describeAttack(summary))} on ${summary.examples} of ${summary.testExamples} test examples; ε is ${unit}. An example counts as robust at ε when it is classified right as it is and under the attack at ε and every smaller ε.</p>`,
  );
  const rows = summary.curve.map((p) => [String(p.epsilon), fixed(p.accuracy), p.epsilon === 0 ? '' : `${((p.accuracy - summary.cleanAccuracy) * 100).toFixed(1)} points`]);
  out.push(`<table><tr><th>ε</th><th>accuracy</th><th>change from clean</th></tr>${rows.map((r) => `<tr>${r.map((v) => `<td>${escapeHtml(v)}</td>`).join('')}</tr>`).join('')}</table>`);
  if (summary.skippedEpsilons.length > 0) out.push(`<p>Left out for want of time (the run budget’s robustness share): ε = ${summary.skippedEpsilons.join(', ')}.</p>`);
  out.push(renderChartSvg(robustnessCurveOption(summary)));
  const m = summary.minimal;
  if (m) {
    const median = m.median === null ? `above ${m.upper} (more than half of them held there)` : fixed(m.median);
    out.push(`<p>Median smallest ε that flips a prediction: <b>${escapeHtml(median)}</b> (over the ${m.examples} examples classified right; bisection on ε, ${m.rounds} rounds; ${m.held} held at ε = ${m.upper}).</p>`);
  }
  const headline = headlineRobustness(summary);
  if (summary.adversarialTraining) {
    const a = summary.adversarialTraining;
    out.push(`<p>The model was trained on adversarial examples (${escapeHtml(a.attack)}, ε = ${a.epsilon}, ${a.steps} step${a.steps === 1 ? '' : 's'} per batch).</p>`);
  }
  if (headline) {
    out.push(`<table><tr><th></th><th>clean accuracy</th><th>accuracy under attack at ε = ${headline.epsilon}</th></tr><tr><td>this model</td><td>${fixed(summary.cleanAccuracy)}</td><td>${fixed(headline.accuracy)}</td></tr></table>`);
  }
  if (summary.gate) {
    const g = summary.gate;
    out.push(`<p>Release gate: accuracy under attack ≥ ${g.minRobustAccuracy} at ε = ${g.epsilon} — <b>${g.passed ? 'passed' : 'failed'}</b> (measured ${fixed(g.robustAccuracy)}).</p>`);
  }
  return out.join('\n');
}

function fixed(v: number): string {
  return Number.isFinite(v) ? v.toFixed(4) : String(v);
}
