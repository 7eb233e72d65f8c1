import { DeeplineError } from '../../errors/index.ts';
import type { RobustnessSummary } from '../../evaluate/robustness-summary.ts';
import { defineStep, type Step } from '../../pipeline/step.ts';

export interface SecurityGateWiring {
  /** Default `robustness.robustness`. */
  readonly inputs?: { readonly robustness?: string };
}

/**
 * Step `security-gate`: the release gate of `security.epsilon` / `security.minRobustAccuracy`.
 * Fails the run with DL_SECURITY_GATE, naming the measured and the required accuracy, when the
 * robustness step measured less. A step of its own so that a failed gate still leaves the
 * measurement stored (the robustness step's output, which `deepline show` prints) and a rerun
 * after the failure reuses it. Output `verdict`: the gate as measured.
 */
export function securityGateStep(wiring: SecurityGateWiring = {}): Step<'robustness', 'verdict'> {
  return defineStep<'robustness', 'verdict'>({
    name: 'security-gate',
    version: '1',
    params: {},
    inputs: { robustness: wiring.inputs?.robustness ?? 'robustness.robustness' },
    outputs: ['verdict'],
    description: 'fail the run when accuracy under attack is below security.minRobustAccuracy',
    async run(ctx, inputs) {
      const summary = await ctx.artifacts.readJson<RobustnessSummary>(inputs.robustness);
      if (summary.status !== 'measured' || !summary.gate) {
        throw new DeeplineError('DL_SECURITY_GATE', `the release gate could not be checked: robustness was not measured${summary.status === 'skipped' ? ` (${summary.reason})` : ' at security.epsilon'}`, {
          hint: 'the gate applies to classification models the robustness step can attack; remove security.minRobustAccuracy otherwise',
          location: { field: 'security.minRobustAccuracy' },
        });
      }
      const { gate } = summary;
      const what = `accuracy under ${summary.attack}${typeof summary.options.norm === 'string' ? ` (${summary.options.norm === 'linf' ? 'L∞' : 'L2'})` : ''} at ε = ${gate.epsilon} is ${gate.robustAccuracy.toFixed(3)} on ${summary.examples} test examples`;
      if (!gate.passed) {
        throw new DeeplineError('DL_SECURITY_GATE', `security gate failed: ${what}, below security.minRobustAccuracy ${gate.minRobustAccuracy} (clean accuracy ${summary.cleanAccuracy.toFixed(3)})`, {
          hint: 'train against the attack with train.adversarial (e.g. { attack: pgd, epsilon: ' + gate.epsilon + ' }), or lower security.minRobustAccuracy or security.epsilon if the threat allows',
          location: { field: 'security.minRobustAccuracy' },
        });
      }
      ctx.log.info(`security gate passed: ${what} >= ${gate.minRobustAccuracy}`);
      return { verdict: await ctx.artifacts.putJson(gate) };
    },
  });
}
