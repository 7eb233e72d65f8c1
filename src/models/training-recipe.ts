/**
 * How a model is trained, as the search samples it next to the architecture: the optimizer and
 * the learning-rate schedule. Plain names, so a genome's training settings are data; `train/fit.ts`
 * turns them into TF.js objects.
 */
export type FitOptimizer = 'adam' | 'sgd' | 'rmsprop';
export type LearningRateSchedule = 'constant' | 'cosine';
