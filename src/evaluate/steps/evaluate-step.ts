import { targetScalerOf, unscaleTarget } from '../../data/transform/target-scaler.ts';
import { getDataset } from '../../data/steps/dataset-artifact.ts';
import { defineStep, type Step } from '../../pipeline/step.ts';
import { argmaxRows } from '../argmax-rows.ts';
import { EVALUATION_METRICS_FORMAT_VERSION, type EvaluationMetrics } from '../evaluation-metrics.ts';
import { accuracy, confusionMatrix, mae, perClassScores, r2, rmse } from '../metrics.ts';

export type EvaluateParams = {
  readonly batchSize?: number;
  /** Timed calls per latency figure. */
  readonly latencyRepeats?: number;
};

type EvaluateInput = 'model' | 'test' | 'transform';

export interface EvaluateWiring {
  /** Overrides the default inputs: `train.model`, `normalize.test`, `normalize.transform`. */
  readonly inputs?: Partial<Record<EvaluateInput, string>>;
}

/**
 * Step `evaluate`: scores the trained model on the (normalised) test split. For regression the
 * transform's target scaler maps both predictions and test targets back to original units first.
 * Output `metrics`: EvaluationMetrics JSON (accuracy, macro-F1, per-class scores and confusion
 * matrix, or RMSE/MAE/R²; plus prediction latency).
 */
export function evaluateStep(overrides: EvaluateParams = {}, wiring: EvaluateWiring = {}): Step<EvaluateInput, 'metrics'> {
  const params = { batchSize: overrides.batchSize ?? 256, latencyRepeats: overrides.latencyRepeats ?? 20 };
  return defineStep<EvaluateInput, 'metrics'>({
    name: 'evaluate',
    version: '1',
    params,
    inputs: {
      model: wiring.inputs?.model ?? 'train.model',
      test: wiring.inputs?.test ?? 'normalize.test',
      transform: wiring.inputs?.transform ?? 'normalize.transform',
    },
    outputs: ['metrics'],
    description: 'score the model on the test set',
    async run(ctx, inputs) {
      // TF.js loads only when the step runs, not when it is cached.
      const [{ loadModel }, { measureLatency }, { predict }] = await Promise.all([
        import('../../train/model-io.ts'),
        import('../../models/measure-latency.ts'),
        import('../../models/predict.ts'),
      ]);
      const started = performance.now();
      const engine = await ctx.deepline.engine.start();
      const [model, test, scaler] = await Promise.all([
        ctx.artifacts.localPath(inputs.model).then(loadModel),
        getDataset(ctx, inputs.test),
        ctx.artifacts.readJson(inputs.transform).then(targetScalerOf),
      ]);
      try {
        const { values, units } = await predict(model, test, { batchSize: params.batchSize });
        const timing = await measureLatency(model, test, { repeats: params.latencyRepeats, batch: 32 });
        const latency = { singleMs: timing.singleMs, batch32Ms: timing.batchMs, engine: engine.name };
        const common = { formatVersion: EVALUATION_METRICS_FORMAT_VERSION as typeof EVALUATION_METRICS_FORMAT_VERSION, n: test.n, latency };
        let metrics: EvaluationMetrics;
        if (test.target.kind === 'class') {
          const classes = test.target.classes;
          const predicted = argmaxRows(values, units);
          const confusion = confusionMatrix(test.y, predicted, classes.length);
          const perClass = perClassScores(confusion).map((s, i) => ({ class: classes[i], ...s }));
          const macroF1 = perClass.reduce((a, s) => a + s.f1, 0) / classes.length;
          metrics = { ...common, kind: 'class', accuracy: accuracy(test.y, predicted), macroF1, classes, perClass, confusion, durationMs: performance.now() - started };
          await ctx.logMetric('test_accuracy', metrics.accuracy);
          await ctx.logMetric('test_macro_f1', metrics.macroF1);
        } else {
          const truth = unscaleTarget(scaler, test.y);
          const predicted = unscaleTarget(scaler, values);
          metrics = { ...common, kind: 'numeric', rmse: rmse(truth, predicted), mae: mae(truth, predicted), r2: r2(truth, predicted), durationMs: performance.now() - started };
          await ctx.logMetric('test_rmse', metrics.rmse);
          await ctx.logMetric('test_r2', metrics.r2);
        }
        await ctx.logMetric('latency_single_ms', latency.singleMs);
        await ctx.logMetric('latency_batch32_ms', latency.batch32Ms);
        return { metrics: await ctx.artifacts.putJson(metrics) };
      } finally {
        model.dispose();
      }
    },
  });
}
