import type * as tf from '@tensorflow/tfjs';
import type { z } from 'zod';
import type { GenomeBase } from '../genome.ts';

/**
 * What kind of input a family is built for; part of the registry key. `text` input is a row of
 * token ids: shaped like a tabular row, so its modality cannot be read off the shape. `series`
 * input is [window, channels] of a time series: two axes, like a greyscale image, so it too must be said.
 */
export type Modality = 'tabular' | 'image' | 'text' | 'series';

/** The output layer, decided by the task (see `headFor`), not by the genome. */
export interface HeadSpec {
  readonly units: number;
  readonly activation: 'softmax' | 'linear';
}

export interface FamilyBuildContext {
  /** Shape of one example, without the batch dimension. */
  readonly inputShape: readonly number[];
  readonly head: HeadSpec;
  /** Every initializer's seed derives from this, so a seed fixes the initial weights. */
  readonly seed: number;
  /** Text families: how many token ids the input uses (the transform's vocabulary, padding and out-of-vocabulary ids included). */
  readonly vocabSize?: number;
}

/**
 * A model family: turns its genome type into an uncompiled tf.LayersModel. Registered by
 * (modality, name) in a `FamilyRegistry`; `genomeSchema` validates genomes read from disk or
 * written by a search before `build` trusts them.
 */
export interface ModelFamily<G extends GenomeBase = GenomeBase> {
  readonly name: string;
  readonly modality: Modality;
  readonly description: string;
  readonly genomeSchema: z.ZodType<G>;
  /** A sensible genome for this input shape and number of outputs, used when nothing is searched. */
  defaultGenome(inputShape: readonly number[], outputs: number): G;
  build(genome: G, ctx: FamilyBuildContext): tf.LayersModel;
}
