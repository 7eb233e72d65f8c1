import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportFileName } from '../exporters/exporter.ts';

/** The files a served model is run from: the ONNX export and the TF.js model. */
const MODEL_FILES = [exportFileName('onnx'), 'model/model.json', 'model/weights.bin'];

/**
 * A SHA-256 over the model files of an output folder (those present, by name and content). A
 * run that publishes a new model into the folder changes it, which tells `deepline serve` that the
 * serving.json beside it was measured on another model.
 */
export async function modelFingerprint(dir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const name of MODEL_FILES) {
    const bytes = await readFile(join(dir, name)).catch(() => undefined);
    if (bytes) hash.update(`${name}\n${bytes.length}\n`).update(bytes);
  }
  return hash.digest('hex');
}
