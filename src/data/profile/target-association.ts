import type { Column } from '../table.ts';
import type { ClassCoding } from './code-classes.ts';
import { correlationRatio } from './correlation-ratio.ts';
import { cramersV } from './cramers-v.ts';
import type { TargetAssociation } from './data-profile.ts';
import { pearsonCorrelation } from './pearson-correlation.ts';

/** The target as the association measures see it: class codes, or numbers. */
export type TargetValues = { readonly kind: 'class'; readonly coding: ClassCoding } | { readonly kind: 'numeric'; readonly values: Float64Array };

/**
 * How strongly `feature` goes with the target, by the measure that fits the pair of types:
 *   numeric feature × numeric target      → Pearson's r (linear; signed)
 *   numeric feature × class target        → correlation ratio η (+ ANOVA F)
 *   categorical feature × class target    → Cramér's V, bias-corrected
 *   categorical feature × numeric target  → correlation ratio η of the target by category (+ F)
 * Booleans and dates count as numeric. Text gets none (its tokens are profiled per class instead),
 * and neither does a measure left undefined (a constant column): undefined is returned.
 */
export function targetAssociation(feature: Column, target: TargetValues): TargetAssociation | undefined {
  if (feature.type === 'text') return undefined;
  let result: TargetAssociation;
  if (feature.type === 'categorical') {
    if (target.kind === 'class') {
      const { v, n } = cramersV(feature.codes, feature.categories.length, target.coding.codes, target.coding.classes.length);
      result = { measure: 'cramers-v', value: v, n };
    } else {
      const { eta, f, n } = correlationRatio(feature.codes, feature.categories.length, target.values);
      result = { measure: 'eta', value: eta, f, n };
    }
  } else if (target.kind === 'class') {
    const { eta, f, n } = correlationRatio(target.coding.codes, target.coding.classes.length, feature.values);
    result = { measure: 'eta', value: eta, f, n };
  } else {
    const { r, n } = pearsonCorrelation(feature.values, target.values);
    result = { measure: 'pearson', value: r, n };
  }
  return Number.isFinite(result.value) ? result : undefined;
}
