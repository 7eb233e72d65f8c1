import { createHash } from 'node:crypto';
import { DeeplineError } from '../errors/index.ts';

/**
 * A step's seed in [0, 2^32): a hash of the run's seed and the step's name, so steps draw
 * independent streams, and adding or reordering steps does not change any other step's seed.
 */
export function deriveSeed(runSeed: number, stepName: string): number {
  if (!Number.isSafeInteger(runSeed)) {
    throw new DeeplineError('DL_INTERNAL', `a run seed must be an integer, but got ${runSeed}`);
  }
  return createHash('sha256').update(`${runSeed}\0${stepName}`).digest().readUInt32BE(0);
}
