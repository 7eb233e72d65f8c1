/**
 * deepline's public API. It mirrors the CLI: `deepline run` is `runTask(await loadTaskFile(f), …)`,
 * `deepline init` is `inferTask` + `renderTaskYaml`, `deepline runs`/`show` read the metadata store.
 */

// Tasks: load, validate, infer, render.
export {
  loadTaskFile,
  parseTaskObject,
  inferTask,
  inferFormat,
  renderTaskYaml,
  TASK_TYPES,
  SUPPORTED_TASKS,
  type TaskSpec,
  type TaskFile,
  type TaskOverrides,
  type TaskType,
  type SupportedTask,
  type TaskInference,
} from './task/index.ts';

// Running a task end to end, and the templates behind it.
export { runTask, type RunTaskOptions, type RunTaskResult } from './context/run-task.ts';
export { createTemplateRegistry, registerBuiltins as registerBuiltinTemplates } from './templates/template-registry.ts';
export type { Template, Publication } from './templates/template.ts';
export { supervisedPipeline } from './templates/supervised-pipeline.ts';

// The pipeline engine, for custom steps and pipelines.
export { defineStep, type Step, type StepContext, type StepProgress, type StepParams } from './pipeline/step.ts';
export { definePipeline, type Pipeline } from './pipeline/pipeline.ts';
export { runPipeline, type RunPipelineOptions, type PipelineResult, type StepOutcome } from './pipeline/runner.ts';
export type { PipelineEvent, PipelineEventListener } from './pipeline/events.ts';
export { createReporter } from './pipeline/reporters/create-reporter.ts';

// Stores.
export { openWorkspace, type Workspace, type OpenWorkspaceOptions } from './store/workspace.ts';
export { openStores, type Stores, type OpenStoresOptions } from './context/open-stores.ts';
export { resolveStoreUrl, type ResolvedStoreUrl } from './store/resolve-store-url.ts';
export type { RunLockService, HeldRunLock } from './store/run-lock-service.ts';
export { checkWorkspace, type WorkspaceReport, type DamagedArtifact, type ArtifactUse } from './store/check-workspace.ts';
export { RunLocks, type LiveRunStatus } from './store/run-locks.ts';
export { SqliteMetadataStore } from './store/metadata/sqlite-metadata-store.ts';
export { FsArtifactStore } from './store/artifacts/fs-artifact-store.ts';
export { PgDatabase } from './store/postgres/pg-database.ts';
export { PgMetadataStore } from './store/postgres/pg-metadata-store.ts';
export { PgStudyStore } from './store/postgres/pg-study-store.ts';
export { PgArtifactStore } from './store/postgres/pg-artifact-store.ts';
export { PgRunLocks } from './store/postgres/pg-run-locks.ts';
export type { MetadataStore, RunRecord, StepRecord, MetricRecord, RunDetail, LineageEdge } from './store/metadata/metadata-store.ts';
export type { ArtifactStore, ArtifactRef, ArtifactCheck } from './store/artifacts/artifact-store.ts';

// Data, models, training, evaluation.
export { loadDataset, saveDataset, type Dataset, type TargetInfo } from './data/dataset.ts';
export { createReaderRegistry } from './data/readers/reader-registry.ts';
export type { DataReader, DataSource } from './data/readers/data-reader.ts';
export { initEngine, type Engine, type EngineName } from './engine/engine.ts';

// Errors and extension registries.
export { DeeplineError, isDeeplineError, ERROR_CODES, type ErrorCode } from './errors/index.ts';
export { Registry } from './extensions/registry.ts';

// The data stage, for use on its own.
export { readTable, type TableSource } from './data/readers/read-table.ts';
export { saveTable, loadTable, type Table, type Column, type ColumnType } from './data/table.ts';
export { profileTable } from './data/profile/profile-table.ts';
export { profileImages } from './data/profile/profile-images.ts';
export { renderDataReportHtml } from './data/profile/render-data-report-html.ts';
export { buildDataReport } from './data/profile/data-report.ts';
export { inferSchema } from './data/schema/infer-schema.ts';
export { validateTable } from './data/schema/validate-table.ts';
export { fitTableTransform } from './data/transform/fit-table-transform.ts';
export { applyTableTransform } from './data/transform/apply-table-transform.ts';
export { transformRecord } from './data/transform/transform-record.ts';
export { findLabelIssues } from './data/label-noise/find-label-issues.ts';
export { createAugmentation } from './train/augment/create-augmentation.ts';

// Search: spaces, samplers, schedulers, studies (ask/tell) — the building blocks of issue #4.
export type { SearchSpace, Param, Params } from './search/space.ts';
export { searchSpaceSchema } from './search/space/search-space-schema.ts';
export { validateParams } from './search/space/validate-params.ts';
export { activeParams } from './search/space/active-params.ts';
export { createSamplerRegistry, registerBuiltins as registerBuiltinSamplers } from './search/samplers/sampler-registry.ts';
export type { Sampler } from './search/samplers/sampler.ts';
export { createSchedulerRegistry, registerBuiltins as registerBuiltinSchedulers } from './search/schedulers/scheduler-registry.ts';
export { createStudy, loadStudy, type Study } from './search/study.ts';
export { nonDominatedSort, paretoFront, crowdingDistance, dominates } from './search/pareto.ts';
export type { TrialRecord } from './search/trial.ts';

// Security: the attacks' interface (registries.attacks), the threat model and the robustness figures.
export type { AttackEntry, AdversarialAttack, AttackRequest, AttackExamples, ThreatModel } from './security/attacks/attack.ts';
export { AttackUnsupported } from './security/attacks/attack-unsupported.ts';
export { perturbationBox, type PerturbationBox } from './train/adversarial/perturbation-box.ts';
export type { RobustnessSummary } from './evaluate/robustness-summary.ts';
// Compression: pruning and quantization, every variant measured from its saved files (the compress step).
export { compressModel, variantName, type CompressionPlan, type CompressionInputs, type PruneRequest, type WrittenVariant } from './compress/compress-model.ts';
export type { Pruner, PruneContext, PruneResult, FineTuneSettings } from './compress/pruners/pruner.ts';
export type { Quantizer, SavedModel, QuantizeContext } from './compress/quantizers/quantizer.ts';
export { saveQuantizedModel, type WeightPrecision } from './compress/quantize/save-quantized-model.ts';
export { foldForInference } from './compress/fold-for-inference.ts';
export { exportQuantizedOnnx } from './deploy/onnx/export-quantized-onnx.ts';
export type { CompressionSummary, CompressedVariant, VariantArtifact } from './evaluate/compression-summary.ts';

// The model registry: named models, numbered versions, stages, release gates.
export type { ModelRegistryStore, ModelVersion, NewModelVersion, RegisteredModel, Stage, StageEvent, StageChange, GateResult, PinnedArtifacts } from './model-registry/model-registry-store.ts';
export { SqliteModelRegistryStore } from './model-registry/sqlite-model-registry-store.ts';
export { PgModelRegistryStore } from './model-registry/pg-model-registry-store.ts';
export { openModelRegistry } from './model-registry/open-model-registry.ts';
export { registerRun, type RegisterRunOptions, type RegistrationStores } from './model-registry/register-run.ts';
export { promoteVersion, type PromoteOptions } from './model-registry/promote-version.ts';
export { checkGates } from './model-registry/check-gates.ts';
export { followStage, type StageFollower } from './model-registry/follow-stage.ts';

// Deployment: exporters write the trained model for serving, checked against TF.js.
export { exportOnnx, ONNX_CONVERTERS, type OnnxExportOptions, type OnnxSignature } from './deploy/onnx/export-onnx.ts';
export { onnxExporter, ONNX_TOLERANCE } from './deploy/exporters/onnx-exporter.ts';
export { exportFileName, type Exporter, type ExportCheck, type ExportContext } from './deploy/exporters/exporter.ts';
// The target benchmark (`deepline bench-target`): latency and throughput per engine and batch size, and the serving settings chosen from them.
export { runTargetBench, saveTargetBench, DEFAULT_BENCH_ENGINES, type TargetBenchOptions } from './deploy/target-bench/run-target-bench.ts';
export { chooseServing, latencyBoundMs, DEFAULT_MAX_LATENCY_MS } from './deploy/target-bench/choose-serving.ts';
export { latencyObjectiveOf } from './deploy/target-bench/latency-objective.ts';
export { readServingConfig, SERVING_ENGINES, type ServingConfig, type ServingChoice, type ServingEngine, type LatencyObjective } from './deploy/target-bench/serving-config.ts';
export type { TargetBenchResult, EngineBench, BenchCell } from './deploy/target-bench/target-bench-result.ts';
// Monitoring: the prediction log `deepline serve` writes, and the uncertainty of a prediction.
export { readPredictionLog, type ReadPredictionLogOptions, type PredictionLogWarning } from './monitor/prediction-log/prediction-log-reader.ts';
export { PredictionLogWriter, type PredictionLogWriterOptions, type PredictionLogStats } from './monitor/prediction-log/prediction-log-writer.ts';
export { createLogSampler } from './monitor/prediction-log/log-sampler.ts';
export { PREDICTION_LOG_VERSION, decodeEmbedding, encodeEmbedding, type PredictionRecord, type InputReference } from './monitor/prediction-log/prediction-record.ts';
export { classificationUncertainty, sampleSpread, type ClassificationUncertainty, type SampleSpread } from './monitor/uncertainty.ts';
