import { z } from 'zod';
import type { JsonValue, SearchSpace } from '../space.ts';

const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);

const condition = z.strictObject({ parent: z.string().min(1), values: z.array(jsonValue).min(1) });
const base = { name: z.string().min(1), condition: condition.optional() };
const numeric = { low: z.number().finite(), high: z.number().finite(), step: z.number().positive().finite().optional(), log: z.boolean().optional() };

const param = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('int'), ...base, ...numeric }),
  z.strictObject({ kind: z.literal('float'), ...base, ...numeric }),
  z.strictObject({ kind: z.literal('categorical'), ...base, choices: z.array(jsonValue).min(1) }),
]);

/**
 * The zod schema for a search space as written in a task file: `{ params: [{ name, kind, ... }] }`.
 * The schema checks shapes; the refinement then checks what a shape cannot say (low ≤ high, log
 * needs low > 0, a parent exists and comes before its child, names are unique), each issue at its path.
 */
export const searchSpaceSchema: z.ZodType<SearchSpace> = z
  .strictObject({ params: z.array(param).min(1) })
  .superRefine((space, ctx) => {
    const seen = new Map<string, number>();
    space.params.forEach((p, i) => {
      const at = (field: string) => ['params', i, field];
      if (seen.has(p.name)) ctx.addIssue({ code: 'custom', path: at('name'), message: `duplicate parameter name \`${p.name}\`` });
      if (p.condition !== undefined) {
        const parent = seen.get(p.condition.parent);
        if (parent === undefined) {
          ctx.addIssue({ code: 'custom', path: [...at('condition'), 'parent'], message: `parent \`${p.condition.parent}\` must be a parameter listed before \`${p.name}\`` });
        }
      }
      seen.set(p.name, i);
      if (p.kind === 'categorical') return;
      if (p.low > p.high) ctx.addIssue({ code: 'custom', path: at('high'), message: `high must be ≥ low (${p.low}), but got ${p.high}` });
      if (p.log === true && p.low <= 0) ctx.addIssue({ code: 'custom', path: at('low'), message: `low must be > 0 for a log-scaled parameter, but got ${p.low}` });
      if (p.log === true && p.step !== undefined && !(p.kind === 'int' && p.step === 1)) {
        ctx.addIssue({ code: 'custom', path: at('step'), message: 'step cannot be combined with log' });
      }
      if (p.kind === 'int') {
        for (const field of ['low', 'high', 'step'] as const) {
          const v = p[field];
          if (v !== undefined && !Number.isInteger(v)) ctx.addIssue({ code: 'custom', path: at(field), message: `${field} of an int parameter must be an integer, but got ${v}` });
        }
      }
    });
  });
