import { DeeplineError } from '../errors/index.ts';
import { canonicalJson } from '../store/canonical-json.ts';
import type { Step } from './step.ts';

/** A validated DAG of steps. */
export interface Pipeline {
  /** Every step, in a topological order: declaration order wherever the DAG leaves a choice. */
  readonly steps: readonly Step[];
  /** Every `step.output` the pipeline produces, in step order. */
  readonly outputs: readonly string[];
}

// Names become folder names and the parts of `step.output` references, so keep them plain.
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/**
 * Checks a list of steps (names, versions, params, inputs referring to existing
 * `step.output`s, no cycles) and orders it. All problems are reported in one DL_PIPELINE error.
 */
export function definePipeline(steps: readonly Step[]): Pipeline {
  const problems: string[] = [];
  const byName = new Map<string, Step>();

  for (const step of steps) {
    if (!NAME_RE.test(step.name)) {
      problems.push(`step name "${step.name}" must be letters, digits, "-" or "_", starting with a letter or digit`);
    }
    if (byName.has(step.name)) problems.push(`two steps are named "${step.name}"`);
    else byName.set(step.name, step);
    if (typeof step.version !== 'string' || step.version === '') {
      problems.push(`step "${step.name}" needs a non-empty version string`);
    }
    const seen = new Set<string>();
    for (const out of step.outputs) {
      if (!NAME_RE.test(out)) problems.push(`step "${step.name}" output "${out}" must be letters, digits, "-" or "_"`);
      if (seen.has(out)) problems.push(`step "${step.name}" declares output "${out}" twice`);
      seen.add(out);
    }
    try {
      canonicalJson(step.params);
    } catch (e) {
      // Params go into the cache key; a value without a canonical form would make it ambiguous.
      problems.push(`step "${step.name}" params: ${(e as Error).message}`);
    }
  }

  const deps = new Map<string, string[]>();
  for (const step of steps) {
    const from: string[] = [];
    for (const [input, ref] of Object.entries<string>(step.inputs)) {
      const dot = typeof ref === 'string' ? ref.indexOf('.') : -1;
      if (dot <= 0) {
        problems.push(`step "${step.name}" input "${input}" must name "step.output", but got ${JSON.stringify(ref)}`);
        continue;
      }
      const producerName = ref.slice(0, dot);
      const output = ref.slice(dot + 1);
      const producer = byName.get(producerName);
      if (!producer) {
        problems.push(`step "${step.name}" input "${input}" names "${ref}", but there is no step "${producerName}" (steps: ${[...byName.keys()].join(', ')})`);
      } else if (!producer.outputs.includes(output)) {
        problems.push(`step "${step.name}" input "${input}" names "${ref}", but step "${producerName}" has outputs: ${producer.outputs.join(', ') || '(none)'}`);
      } else {
        from.push(producerName);
      }
    }
    if (!deps.has(step.name)) deps.set(step.name, from);
  }

  if (problems.length === 0) {
    const order = topologicalOrder(steps, deps);
    if (order) {
      return Object.freeze({
        steps: Object.freeze(order),
        outputs: Object.freeze(order.flatMap((s) => s.outputs.map((o) => `${s.name}.${o}`))),
      });
    }
    problems.push(`the steps form a cycle: ${findCycle(deps).join(' → ')}`);
  }
  throw new DeeplineError('DL_PIPELINE', `invalid pipeline: ${problems.join('; ')}`, {
    hint: 'fix the steps named above in the template or extension that builds this pipeline',
  });
}

/** Kahn's algorithm, always taking the earliest-declared ready step; undefined on a cycle. */
function topologicalOrder(steps: readonly Step[], deps: Map<string, string[]>): Step[] | undefined {
  const done = new Set<string>();
  const order: Step[] = [];
  while (order.length < steps.length) {
    const next = steps.find((s) => !done.has(s.name) && (deps.get(s.name) ?? []).every((d) => done.has(d)));
    if (!next) return undefined;
    done.add(next.name);
    order.push(next);
  }
  return order;
}

/** One cycle, as a path that returns to its start, for the error message. */
function findCycle(deps: Map<string, string[]>): string[] {
  const state = new Map<string, 'open' | 'closed'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'closed') return undefined;
    if (state.get(name) === 'open') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'open');
    stack.push(name);
    for (const dep of deps.get(name) ?? []) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(name, 'closed');
    return undefined;
  };
  for (const name of deps.keys()) {
    const cycle = visit(name);
    // Edges point from consumer to producer; reverse so the path reads in data-flow order.
    if (cycle) return cycle.reverse();
  }
  return [];
}
