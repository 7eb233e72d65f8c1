/**
 * The version of every record deepline writes to disk, in one table, so a change to any on-disk
 * shape is one visible bump here (and a reader that refuses what it cannot read). The record
 * types stay with the code that writes them; each takes its number from this table.
 *
 * Bump a version when a reader of the old shape would misread the new one; add a field that old
 * readers may ignore without a bump. The artifact store's own `meta.json` is versioned in
 * artifact-meta.ts (`ARTIFACT_META_FORMAT`), with its upgrade path.
 */
export const FORMAT_VERSIONS = Object.freeze({
  /** data/dataset.ts: tensors of a split (`dataset.json` + binary arrays). */
  dataset: 1,
  /** data/table.ts: a parsed table (columns as typed arrays). */
  table: 1,
  /** data/normalizer.ts: feature standardisation fitted on train. */
  normalizer: 1,
  /** data/transform/table-transform.ts: the fitted table → tensor encoding, reused when serving. */
  tableTransform: 1,
  /** data/schema/data-schema.ts: the inferred schema new data is validated against. */
  schema: 1,
  /** data/profile/data-profile.ts: per-column statistics. */
  profile: 1,
  /** data/profile/data-report.ts: the data report (profile, anomalies, splits). */
  dataReport: 1,
  /** data/label-noise/label-noise-report.ts: suspected label errors. */
  labelNoiseReport: 1,
  /** train/training-history.ts: epochs, losses and why training stopped. */
  trainingHistory: 1,
  /** search/study-summary.ts: the search's trials and choice (`study.json`). */
  studySummary: 1,
  /** evaluate/evaluation-metrics.ts: test metrics of the final model. */
  evaluationMetrics: 1,
  /** evaluate/run-report.ts: the run report (`report.json`). */
  runReport: 1,
  /** evaluate/compression-summary.ts: every compressed variant measured on its saved files, and the one chosen (`compression.json`). */
  compressionSummary: 1,
  /** evaluate/robustness-summary.ts: accuracy under attack per ε, minimal perturbation, the gate (`robustness.json`). */
  robustness: 1,
  /** deploy/target-bench/target-bench-result.ts: latency and throughput per engine and batch size (`target-bench.json`). */
  targetBench: 1,
  /** deploy/target-bench/serving-config.ts: the serving settings the target benchmark chose (`serving.json`). */
  servingConfig: 1,
  /** monitor/reference/monitor-reference.ts: training columns, predictions and embeddings that traffic is compared with (`monitor-reference.json`). */
  monitorReference: 1,
  /** monitor/prediction-log/prediction-record.ts: one answered instance per line of the prediction log (`<log dir>/<model>/<segment>.jsonl`). */
  predictionLog: 2,
  /** store/formats/prior-task.ts: past tasks' meta-features and best configurations, the warm start's prior (`priors/default-prior.json`). */
  prior: 1,
  /** train/ensemble/ensemble-summary.ts: the final model's ensemble members, weights and out-of-fold scores (`ensemble.json`). */
  ensembleSummary: 1,
  /** train/ensemble/ensemble-candidates.ts: the search's cross-validated trials and their out-of-fold predictions. */
  ensembleCandidates: 1,
} as const);
