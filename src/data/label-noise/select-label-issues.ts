import type { ConfidentJoint } from './confident-joint.ts';

/**
 * How suspects are chosen from the confident joint:
 * - `prune-by-class` (default): the joint, calibrated so each row sums to its label's count,
 *   estimates how many examples of each given label are wrong; that many are taken per label, by
 *   largest margin, among those another class outscores. Higher recall.
 * - `confident-joint`: exactly the off-diagonal examples: the given label's probability is below
 *   its threshold and another class reaches its own. Higher precision, lower recall.
 */
export type LabelIssueMethod = 'prune-by-class' | 'confident-joint';

/** One flagged example, before it is tied back to the data set. */
export interface LabelIssue {
  readonly index: number;
  readonly given: number;
  /** With `confident-joint`, the confident class; with `prune-by-class`, the most probable other class. */
  readonly predicted: number;
  readonly confidence: number;
  readonly selfConfidence: number;
  /** confidence - selfConfidence. */
  readonly margin: number;
}

/** Suspects chosen by `method`, most suspicious (largest margin) first, ties by index. */
export function selectLabelIssues(
  probabilities: Float32Array,
  labels: ArrayLike<number>,
  k: number,
  joint: ConfidentJoint,
  method: LabelIssueMethod,
): LabelIssue[] {
  const issues = method === 'confident-joint' ? offDiagonal(probabilities, labels, k, joint) : pruneByClass(probabilities, labels, k, joint);
  return issues.sort((a, b) => b.margin - a.margin || a.index - b.index);
}

function offDiagonal(probabilities: Float32Array, labels: ArrayLike<number>, k: number, joint: ConfidentJoint): LabelIssue[] {
  const issues: LabelIssue[] = [];
  for (let i = 0; i < labels.length; i++) {
    const given = labels[i];
    const confident = joint.confidentClass[i];
    const selfConfidence = probabilities[i * k + given];
    if (confident < 0 || confident === given || !(selfConfidence < joint.thresholds[given])) continue;
    issues.push(issue(probabilities, k, i, given, confident));
  }
  return issues;
}

function pruneByClass(probabilities: Float32Array, labels: ArrayLike<number>, k: number, joint: ConfidentJoint): LabelIssue[] {
  const candidates: LabelIssue[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const given = labels[i];
    const row = i * k;
    let other = -1;
    for (let j = 0; j < k; j++) if (j !== given && (other < 0 || probabilities[row + j] > probabilities[row + other])) other = j;
    // Only where another class outscores the given label: a count estimate alone must never flag
    // an example the model itself agrees with.
    if (other >= 0 && probabilities[row + other] > probabilities[row + given]) candidates[given].push(issue(probabilities, k, i, given, other));
  }
  const issues: LabelIssue[] = [];
  for (let c = 0; c < k; c++) {
    const row = joint.counts[c];
    const confident = row.reduce((a, b) => a + b, 0);
    if (confident === 0) continue;
    // Calibration: examples reaching no threshold are shared out like the confident ones.
    const estimated = Math.round(((confident - row[c]) * joint.labelCounts[c]) / confident);
    // Keep at least one example of every class, whatever the estimate says.
    const take = Math.min(estimated, joint.labelCounts[c] - 1);
    candidates[c].sort((a, b) => b.margin - a.margin || a.index - b.index);
    issues.push(...candidates[c].slice(0, Math.max(0, take)));
  }
  return issues;
}

function issue(probabilities: Float32Array, k: number, index: number, given: number, predicted: number): LabelIssue {
  const confidence = probabilities[index * k + predicted];
  const selfConfidence = probabilities[index * k + given];
  return { index, given, predicted, confidence, selfConfidence, margin: confidence - selfConfidence };
}
