import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../data/dataset.ts';

/** What an export checked: the exported file run on real examples beside the TF.js model. */
export interface ExportCheck {
  readonly exporter: string;
  /** The file (or folder) name it is published under in the output folder (`exportFileName`). */
  readonly fileName: string;
  readonly bytes: number;
  /** Examples of the test split both ran on, and the largest difference of any output value. */
  readonly examples: number;
  readonly maxAbsDiff: number;
  /** Where the runtime used to check it differs from TF.js (e.g. `onnxruntime-node 1.23.2`). */
  readonly runtime: string;
  readonly inputShape: readonly (number | null)[];
  readonly outputShape: readonly (number | null)[];
}

export interface ExportContext {
  /** Real examples (the test split) to check the exported file on. */
  readonly sample: Dataset;
  /** Recorded in the file where the format has room for it: class names, task, deepline's version. */
  readonly properties: Readonly<Record<string, string>>;
}

/** What an exporter's output is published as in the output folder: `model.<exporter>` (`model.onnx`). */
export function exportFileName(exporter: string): string {
  return `model.${exporter}`;
}

/**
 * One deployment format. `write` turns a trained TF.js model into the format at `path` and
 * checks the written file against the model on `context.sample`, so a run never publishes a file
 * that predicts differently from the model it evaluated. Registered in the run context
 * (`registries.exporters`); modules that need TF.js or a runtime are imported by `write`, never
 * at registration.
 */
export interface Exporter {
  readonly name: string;
  readonly description: string;
  write(model: tf.LayersModel, path: string, context: ExportContext): Promise<ExportCheck>;
}
