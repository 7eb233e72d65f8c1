/**
 * Whether class counts are uneven enough for balancing to pay off: the largest class over the
 * smallest present one exceeds `ratio` (default 1.5). Below that, a stratified split's rounding
 * or a naturally mild skew (say 45/55) gains nothing from reweighting and only adds noise to
 * the gradient; at 1.5 the majority already pulls a plain loss visibly its way. Empty classes
 * are left out: they cannot be rebalanced.
 */
export function isImbalanced(counts: readonly number[], ratio = 1.5): boolean {
  const present = counts.filter((c) => c > 0);
  if (present.length < 2) return false;
  return Math.max(...present) / Math.min(...present) > ratio;
}
