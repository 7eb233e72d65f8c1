import { createReadStream } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { DeeplineError } from '../errors/index.ts';
import { didYouMean } from '../extensions/did-you-mean.ts';
import { inferFormat, statOrMissing } from '../data/readers/infer-format.ts';
import { scanDataFolder } from '../data/readers/scan-data-folder.ts';
import { sniffTable, type TableSample } from './sniff-table.ts';
import { summariseColumn, type ColumnSummary } from './summarise-column.ts';
import type { DataFormat } from '../data/readers/data-formats.ts';
import type { TaskType } from './task-types.ts';

/** How many data rows are read to guess; enough to see the classes and value ranges of most tables. */
export const SNIFF_ROWS = 2000;

// A numeric target is a quantity to predict rather than a class code when it takes many values,
// both absolutely and relative to the rows (20 distinct codes in 100,000 rows are still classes).
const REGRESSION_MIN_DISTINCT = 20;
const REGRESSION_MIN_DISTINCT_SHARE = 0.05;
// Fractional values are rarely class codes; a handful (0.5, 1.5) still may be.
const FRACTIONAL_REGRESSION_MIN_DISTINCT = 10;

export type InferenceDetails =
  | {
      readonly kind: 'table';
      readonly target: string;
      /** True when no target was given and the last column was taken. */
      readonly targetGuessed: boolean;
      readonly rowsSampled: number;
      /** True when the file has more rows than were sampled. */
      readonly sampleTruncated: boolean;
      readonly columns: readonly ColumnSummary[];
      /** Feature columns holding free text. */
      readonly textColumns: readonly string[];
      /** CSV/TSV: the line the header was read from. */
      readonly headerLine?: number;
      /**
       * Set when the header was found below line 1 rather than given (data.header): which lines
       * were skipped and why, e.g. `line 1 has only 2 non-empty fields ("506", "13") where the
       * rows below have 14: the header was read from line 2, skipping line 1`.
       */
      readonly headerDetected?: string;
    }
  | {
      readonly kind: 'image-list';
    }
  | {
      readonly kind: 'image-folder';
      readonly classes: readonly string[];
      readonly imagesPerClass: Readonly<Record<string, number>>;
      readonly images: number;
    }
  | {
      readonly kind: 'idx';
      readonly files: readonly string[];
      /** From the first images file's header, when there is one. */
      readonly images?: number;
      readonly height?: number;
      readonly width?: number;
    };

export interface TaskInference {
  readonly task: TaskType;
  readonly format: DataFormat;
  /** One sentence for the user saying why, e.g. "target `y` is numeric with 214 distinct values in 442 rows → regression". */
  readonly reason: string;
  readonly details: InferenceDetails;
}

/**
 * Guesses the task type from the data: folders of images and IDX files are image
 * classification; a table is text classification when a feature column holds free text,
 * regression when the target is numeric with many distinct values, classification otherwise.
 * Only the first SNIFF_ROWS rows of a table are read. Without `target` the last column is
 * taken, and the reason says so.
 */
export async function inferTask(input: { path: string; format?: DataFormat; target?: string; header?: number }): Promise<TaskInference> {
  const info = await statOrMissing(input.path);
  const format = input.format ?? (await inferFormat(input.path));
  const wantsFolder = format === 'image-folder' || (format === 'idx' && info.isDirectory());
  if (wantsFolder !== info.isDirectory()) {
    throw new DeeplineError(
      'DL_DATA_FORMAT',
      `format ${format} needs ${wantsFolder ? 'a folder' : 'a file'}, but ${input.path} is ${info.isDirectory() ? 'a folder' : 'a file'}`,
      { hint: 'fix `data.format`, or leave it out to have it inferred from the path', location: { file: input.path } },
    );
  }
  if (format === 'image-folder') return inferImageFolder(input.path);
  if (format === 'image-list') {
    return {
      task: 'image-classification',
      format,
      reason: 'an image list (a CSV of image paths and labels) → image classification',
      details: { kind: 'image-list' },
    };
  }
  if (format === 'idx') return inferIdx(input.path, info.isDirectory());
  return inferTable(input.path, format, input.target, input.header);
}

async function inferImageFolder(path: string): Promise<TaskInference> {
  const scan = await scanDataFolder(path);
  const classes = scan.classFolders.filter((c) => c.images > 0);
  const images = classes.reduce((sum, c) => sum + c.images, 0);
  if (images === 0) {
    throw new DeeplineError('DL_DATA_IMAGE', `no image files (png, jpg, webp, ...) in the subfolders of ${path}`, {
      hint: 'put the images of each class in a subfolder named after the class',
      location: { file: path },
    });
  }
  if (classes.length < 2) {
    throw new DeeplineError('DL_DATA_TARGET', `only one class subfolder with images in ${path} (${classes[0].name}): classification needs at least two`, {
      hint: 'add a subfolder of images for each other class',
      location: { file: path },
    });
  }
  const names = classes.map((c) => c.name);
  const shown = names.length <= 5 ? names.join(', ') : `${names.slice(0, 4).join(', ')}, …`;
  return {
    task: 'image-classification',
    format: 'image-folder',
    reason: `the folder has ${names.length} class subfolders (${shown}) holding ${count(images)} images → image classification`,
    details: { kind: 'image-folder', classes: names, imagesPerClass: Object.fromEntries(classes.map((c) => [c.name, c.images])), images },
  };
}

async function inferIdx(path: string, isFolder: boolean): Promise<TaskInference> {
  const files = isFolder ? (await scanDataFolder(path)).idxFiles : [basename(path)];
  const folder = isFolder ? path : dirname(path);
  // Describe the training images where the folder also holds a test set (t10k-*).
  const imageFiles = files.filter((f) => /-idx3-ubyte(\.gz)?$/.test(f));
  const imagesFile = imageFiles.find((f) => f.startsWith('train')) ?? imageFiles[0];
  const header = imagesFile === undefined ? undefined : await readIdxImageHeader(join(folder, imagesFile));
  const shown = files.length <= 2 ? files.join(', ') : `${files.slice(0, 2).join(', ')}, …`;
  const what = header ? `, ${count(header.images)} ${header.height}x${header.width} images in ${imagesFile}` : '';
  return {
    task: 'image-classification',
    format: 'idx',
    reason: `${isFolder ? 'the folder holds IDX files' : 'the file is an IDX file'} (${shown})${what} → image classification`,
    details: { kind: 'idx', files, ...header },
  };
}

async function inferTable(path: string, format: 'csv' | 'tsv' | 'jsonl', target: string | undefined, header: number | undefined): Promise<TaskInference> {
  const sample = await sniffTable(path, format, SNIFF_ROWS, { target, header });
  if (sample.rows.length === 0) {
    throw new DeeplineError('DL_DATA_FORMAT', `${basename(path)} has a header${sample.headerLine !== undefined && sample.headerLine > 1 ? ` (line ${sample.headerLine})` : ''} but no data rows`, {
      location: { file: path },
    });
  }
  const targetGuessed = target === undefined;
  const targetName = target ?? sample.columns[sample.columns.length - 1];
  const targetIndex = sample.columns.indexOf(targetName);
  if (targetIndex < 0) throw missingTarget(path, targetName, sample);
  const guess = sample.headerGuess;
  const headerDetected = header === undefined && guess !== undefined && guess.line === sample.headerLine ? guess.note : undefined;
  const columns = sample.columns.map((name, i) => summariseColumn(name, sample.rows.map((row) => row[i])));
  const y = columns[targetIndex];
  const textColumns = columns.filter((c, i) => i !== targetIndex && c.kind === 'text').map((c) => c.name);
  const rows = `${sample.truncated ? 'the first ' : ''}${count(sample.rows.length)} rows`;
  const subject = `target \`${targetName}\`${targetGuessed ? ' (the last column, as no target was given)' : ''}`;
  const details = {
    kind: 'table' as const,
    target: targetName,
    targetGuessed,
    rowsSampled: sample.rows.length,
    sampleTruncated: sample.truncated,
    columns,
    textColumns,
    ...(sample.headerLine !== undefined && { headerLine: sample.headerLine }),
    ...(headerDetected !== undefined && { headerDetected }),
  };

  if (y.kind === 'empty') {
    throw new DeeplineError('DL_DATA_TARGET', `target column \`${targetName}\` has no values in ${rows} of ${basename(path)}`, {
      hint: 'set `data.target` to the column holding the labels',
      location: { file: path, field: targetName },
    });
  }
  const manyValues = y.distinct > REGRESSION_MIN_DISTINCT && y.distinct > REGRESSION_MIN_DISTINCT_SHARE * y.present;
  const fractionalValues = y.fractional && y.distinct > FRACTIONAL_REGRESSION_MIN_DISTINCT;
  if (y.kind === 'numeric' && (manyValues || fractionalValues)) {
    const why = manyValues ? `${count(y.distinct)} distinct values` : `${count(y.distinct)} distinct fractional values`;
    return { task: 'tabular-regression', format, reason: `${subject} is numeric with ${why} in ${rows} → regression`, details };
  }
  if (textColumns.length > 0) {
    const text = columns.find((c) => c.name === textColumns[0]) as ColumnSummary;
    return {
      task: 'text-classification',
      format,
      reason:
        `column \`${text.name}\` holds free text (${Math.round(text.meanLength)} characters on average, ` +
        `${Math.round((100 * text.distinct) / text.present)}% distinct) and ${subject} has ${count(y.distinct)} classes → text classification`,
      details,
    };
  }
  const labels = y.kind === 'numeric' ? 'is numeric with' : 'holds labels with';
  return { task: 'tabular-classification', format, reason: `${subject} ${labels} ${count(y.distinct)} distinct values in ${rows} → classification`, details };
}

/**
 * The target is not among the columns. When the header seems to be on another line than the one
 * read (a line of counts above it, or data.header set to the wrong line), that is the likelier
 * cause, and the message says which line.
 */
function missingTarget(path: string, target: string, sample: TableSample): DeeplineError {
  const { columns, headerLine, headerGuess } = sample;
  const near = didYouMean(target, columns);
  const listed = columns.length <= 12 ? columns.join(', ') : `${columns.slice(0, 12).join(', ')}, … (${columns.length} in all)`;
  const from = headerLine !== undefined && headerLine > 1 ? `columns of the header on line ${headerLine}` : 'columns';
  const message = `target column \`${target}\` is not in ${basename(path)} (${from}: ${listed})${near ? ` — did you mean \`${near}\`?` : ''}`;
  const location = { file: path, field: target };
  if (headerGuess !== undefined && headerGuess.line !== headerLine) {
    return new DeeplineError('DL_DATA_TARGET', `${message}; the header seems to be on line ${headerGuess.line}: set data.header: ${headerGuess.line}`, {
      hint: `${headerGuess.reason}; data.header: ${headerGuess.line} reads the table from that line`,
      location,
    });
  }
  return new DeeplineError('DL_DATA_TARGET', message, { hint: 'set `data.target` to one of the columns listed', location });
}

/** The count and size in an IDX images header (magic, n, rows, cols), reading only its first 16 bytes. */
async function readIdxImageHeader(file: string): Promise<{ images: number; height: number; width: number } | undefined> {
  const source = createReadStream(file, { start: 0, end: file.endsWith('.gz') ? 4095 : 15 });
  const stream = file.endsWith('.gz') ? source.pipe(createGunzip()) : source;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= 16) break;
    }
  } catch {
    // A truncated gzip window ends the stream with an error after the bytes we need, or the file is
    // not an IDX file at all: either way the reader reports it properly; inference only describes.
  } finally {
    source.destroy();
  }
  const header = Buffer.concat(chunks);
  if (header.length < 16 || header.readUInt16BE(0) !== 0 || header[2] !== 0x08 || header[3] !== 3) return undefined;
  return { images: header.readUInt32BE(4), height: header.readUInt32BE(8), width: header.readUInt32BE(12) };
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}
