import type { MlpGenome } from '../../models/genome.ts';
import { subsetDataset, type Dataset } from '../../data/dataset.ts';
import type { FoldClassifier } from '../../data/label-noise/fold-classifier.ts';
import { fitFoldStandardizer } from '../../data/label-noise/fold-standardizer.ts';
import { stratifiedFolds } from '../../data/label-noise/stratified-folds.ts';
import type { DeeplineContext } from '../../context/deepline-context.ts';

export interface MlpClassifierOptions {
  /** Units of the one hidden layer. */
  readonly hidden?: number;
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  readonly dropout?: number;
  /** Early-stopping patience on an inner validation tenth of the fold's training part. */
  readonly patience?: number;
}

/**
 * A one-hidden-layer MLP trained through the engine with deepline's own fit loop. Early stopping
 * uses a tenth carved out of the fold's training part, never the held-out examples, so their
 * probabilities stay truly out of fold. Slower than `softmaxRegression` on small data but can
 * model classes that are not linearly separable.
 */
export function mlpClassifier(context: Pick<DeeplineContext, 'registries' | 'engine'>, options: MlpClassifierOptions = {}): FoldClassifier {
  return {
    name: 'mlp',
    async fitPredict(train, held, ctx) {
      // TF.js loads only when this classifier trains, not with the pipeline's definition.
      const [{ predict }, { buildModel }, { fitModel }] = await Promise.all([
        import('../../models/predict.ts'),
        import('../../models/build-model.ts'),
        import('../fit.ts'),
      ]);
      const families = await context.registries.families.ready();
      await context.engine.start();
      const standardize = fitFoldStandardizer(train.x, train.n, train.d);
      const classes = Array.from({ length: train.k }, (_, c) => String(c));
      const all: Dataset = {
        n: train.n,
        featureShape: [train.d],
        x: standardize.apply(train.x, train.n),
        y: train.y,
        target: { kind: 'class', name: 'label', classes },
      };
      const inner = stratifiedFolds(train.y, 10, ctx.seed);
      const pick = (inValidation: boolean): number[] => [...inner.keys()].filter((i) => (inner[i] === 0) === inValidation);
      const genome: MlpGenome = {
        family: 'mlp',
        hidden: [options.hidden ?? 64],
        dropout: options.dropout ?? 0.1,
        batchNorm: false,
        activation: 'relu',
      };
      const model = buildModel(genome, { inputShape: [train.d], head: { units: train.k, activation: 'softmax' }, seed: ctx.seed, families });
      try {
        await fitModel(model, {
          train: subsetDataset(all, pick(false)),
          validation: subsetDataset(all, pick(true)),
          epochs: options.epochs ?? 40,
          batchSize: options.batchSize ?? 32,
          learningRate: options.learningRate ?? 3e-3,
          patience: options.patience ?? 4,
          seed: ctx.seed,
          signal: ctx.signal,
        });
        const out = await predict(model, { n: held.n, featureShape: [train.d], x: standardize.apply(held.x, held.n) });
        return out.values;
      } finally {
        model.dispose();
      }
    },
  };
}
