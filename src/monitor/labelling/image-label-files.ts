import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { decodeToGrid, pixelsToPng } from '../../data/readers/image-grid-codec.ts';
import type { ImageGrid } from '../../data/transform/instance-codec.ts';
import { DeeplineError } from '../../errors/index.ts';
import { listKeptInputs } from '../prediction-log/input-store.ts';
import type { PredictionRecord } from '../prediction-log/prediction-record.ts';
import type { LabelledRow } from './label-files.ts';

/** The folder, next to the label file, that the exported images go to. */
export const EXPORTED_IMAGES = 'images';

/**
 * The image records to label, each with its input as a file beside the label file:
 * `<dir of out>/images/<sha256>.<ext>` — a kept image file copied as it was sent, kept pixels
 * written as a PNG on the model's grid (0..scale mapped to 0..255). Each returned record's `input`
 * is `{ image: 'images/<sha256>.<ext>' }` (relative to the label file), ready for `writeLabelFile`.
 * Records are taken in order until `limit` are exported; those whose input the store no longer
 * holds (or never held: `--no-log-inputs`) are skipped on the way and counted in `missing`.
 */
export async function exportImageInputs(records: readonly PredictionRecord[], keptFolder: string, out: string, grid: ImageGrid, limit = Infinity): Promise<{ records: PredictionRecord[]; missing: number }> {
  const kept = await listKeptInputs(keptFolder);
  const folder = join(dirname(out), EXPORTED_IMAGES);
  await mkdir(folder, { recursive: true });
  const exported: PredictionRecord[] = [];
  let missing = 0;
  for (const record of records) {
    if (exported.length >= limit) break;
    const found = record.inputRef && kept.get(record.inputRef.sha256);
    if (!record.inputRef || !found) {
      missing++;
      continue;
    }
    let name: string;
    if (found.ext === 'json') {
      const pixels = JSON.parse(await readFile(found.path, 'utf8')) as number[];
      name = `${record.inputRef.sha256}.png`;
      await writeFile(join(folder, name), await pixelsToPng(pixels, grid));
    } else {
      name = `${record.inputRef.sha256}.${found.ext}`;
      await copyFile(found.path, join(folder, name));
    }
    exported.push({ ...record, input: { image: `${EXPORTED_IMAGES}/${name}` } });
  }
  return { records: exported, missing };
}

/**
 * Labelled image rows → rows of the model's pixel CSV: each row's `image` file (relative to the
 * label file's folder, or absolute) decoded to the model's grid as the server decodes `{ image }`
 * (grey or RGB, resized), its values in the training scale (0..scale), one per feature column.
 */
export async function pixelRowsFromImages(rows: readonly LabelledRow[], labelFile: string, grid: ImageGrid, columns: readonly string[]): Promise<LabelledRow[]> {
  if (columns.length !== grid.width * grid.height * grid.channels) {
    throw new DeeplineError('DL_USAGE', `the training data has ${columns.length} pixel columns, but the model takes ${grid.height}x${grid.width}x${grid.channels} images`, { hint: 'label import for image models writes pixel-CSV rows; it needs the CSV the model was trained from' });
  }
  const base = dirname(labelFile);
  return Promise.all(
    rows.map(async (row, k) => {
      const given = row.input.image;
      if (typeof given !== 'string' || given === '') {
        throw new DeeplineError('DL_DATA_FORMAT', `${labelFile}: labelled row ${k + 1} names no image file`, { hint: 'keep the image column that deepline label export wrote', location: { file: labelFile } });
      }
      const path = isAbsolute(given) ? given : resolve(base, given);
      let pixels: Buffer;
      try {
        pixels = await decodeToGrid(await readFile(path), grid);
      } catch (e) {
        throw new DeeplineError('DL_DATA_IMAGE', `${path} (labelled row ${k + 1}) cannot be read as an image: ${(e as Error).message}`, { hint: 'keep the images folder deepline label export wrote next to the label file', location: { file: path } });
      }
      const input = Object.fromEntries(columns.map((c, j) => [c, roundValue((pixels[j]! / 255) * grid.scale)]));
      return { ...row, input };
    }),
  );
}

/** Six decimals: the CSV stays readable, and far finer than one 8-bit step of any scale. */
function roundValue(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
