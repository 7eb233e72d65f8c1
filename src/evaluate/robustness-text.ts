import { describeAttack } from './robustness-html.ts';
import type { RobustnessSummary } from './robustness-summary.ts';

/** One line for `deepline show`: the attack, accuracy per ε, the median minimal ε and the gate. */
export function formatRobustnessText(summary: RobustnessSummary): string {
  if (summary.status === 'skipped') return `robustness  not measured: ${summary.reason}`;
  const curve = summary.curve.filter((p) => p.epsilon > 0).map((p) => `ε ${p.epsilon}: ${p.accuracy.toFixed(3)}`);
  const m = summary.minimal;
  const parts = [
    `clean ${summary.cleanAccuracy.toFixed(3)}`,
    ...curve,
    ...(m ? [`median minimal ε ${m.median === null ? `> ${m.upper}` : m.median.toFixed(3)}`] : []),
    ...(summary.gate ? [`gate ≥ ${summary.gate.minRobustAccuracy} at ε ${summary.gate.epsilon}: ${summary.gate.passed ? 'passed' : 'FAILED'}`] : []),
    ...(summary.adversarialTraining ? [`adversarially trained (${summary.adversarialTraining.attack}, ε ${summary.adversarialTraining.epsilon})`] : []),
  ];
  return `robustness  ${describeAttack(summary)} on ${summary.examples} test examples: ${parts.join(' · ')}`;
}
