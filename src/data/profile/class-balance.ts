import type { TargetProfile } from './data-profile.ts';

/**
 * The class balance of a class target: counts and shares per class, the ratio of the largest to
 * the smallest present class, and the normalised Shannon entropy of the shares.
 */
export function classBalance(name: string, codes: ArrayLike<number>, classes: readonly string[]): Extract<TargetProfile, { kind: 'class' }> {
  const counts = new Float64Array(classes.length);
  let missing = 0;
  let present = 0;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c >= 0 && c < classes.length && Number.isInteger(c)) {
      counts[c]++;
      present++;
    } else {
      missing++;
    }
  }
  let majority = -1;
  let minority = -1;
  let entropy = 0;
  let occupied = 0;
  for (let k = 0; k < classes.length; k++) {
    if (counts[k] === 0) continue;
    occupied++;
    if (majority < 0 || counts[k] > counts[majority]) majority = k;
    if (minority < 0 || counts[k] < counts[minority]) minority = k;
    const p = counts[k] / present;
    entropy -= p * Math.log(p);
  }
  return {
    kind: 'class',
    name,
    classes: classes.map((value, k) => ({ value, count: counts[k], share: present > 0 ? counts[k] / present : 0 })),
    imbalanceRatio: majority < 0 ? Number.NaN : counts[majority] / counts[minority],
    majority: majority < 0 ? '' : classes[majority],
    minority: minority < 0 ? '' : classes[minority],
    // Over all declared classes: a class with no rows at all is the worst imbalance there is.
    balance: classes.length > 1 ? entropy / Math.log(classes.length) : occupied === 1 ? 0 : Number.NaN,
    missing,
  };
}
