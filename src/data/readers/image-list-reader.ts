import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DeeplineError, fileAccessError, isFileSystemError } from '../../errors/index.ts';
import type { Dataset, TargetInfo } from '../dataset.ts';
import { sortNaturally } from '../sort-naturally.ts';
import { cellSyntax } from './cell-syntax.ts';
import { checkColumnNames } from './check-column-names.ts';
import type { DataReader, DataSource, ReadOptions, ReadResult } from './data-reader.ts';
import { quoteCell } from './quote-cell.ts';
import { readDelimited } from './read-delimited.ts';
import { readImageFiles, type ImageEntry } from './read-image-files.ts';
import { statSource } from './stat-source.ts';

/** Names the column of image paths may have, in order of preference. */
const PATH_COLUMNS = ['path', 'file', 'filename', 'image'];

/**
 * Reads a CSV that lists images and their targets, `path,label` with a header row: paths are
 * relative to the CSV's folder (or absolute), the target column is `data.target` (default
 * `label`) and holds class names, or numbers for a regression — which an image folder cannot
 * express. Images are decoded as the image-folder reader does.
 */
export const imageListReader: DataReader = {
  name: 'image-list',
  description: 'a CSV of image paths (relative to the CSV) and their labels or numeric targets, with a header row',
  read: readImageList,
};

interface ListedImage {
  path: string;
  label: string;
  row: number;
  line: number;
}

async function readImageList(source: DataSource, options: ReadOptions = {}): Promise<ReadResult> {
  const file = source.path;
  const { size } = await statSource(file, 'file', 'image-list');
  const listed = await listImages(file, size, source, options);
  const warnings: string[] = [];
  if (source.limit !== undefined && listed.length >= source.limit) warnings.push(`read only the first ${listed.length} rows of ${file} (data.limit)`);
  const targetName = source.target ?? 'label';
  const { target, values } = source.taskKind === 'regression' ? numericTargets(file, targetName, listed) : classTargets(file, targetName, listed, source.classes, warnings);
  const entries: ImageEntry[] = listed.map((item, i) => ({ path: item.path, target: values[i], where: ` (${file} row ${item.row}, line ${item.line})` }));
  const read = await readImageFiles(entries, source.image, options, warnings);
  if (read.entries.length === 0) {
    throw new DeeplineError('DL_DATA_MISSING', `${file} lists no readable images: every file it names is empty`, { hint: 'list PNG, JPEG or WebP files with content', location: { file } });
  }
  const rowOf = new Map(listed.map((item, i) => [entries[i], item.row]));
  const dataset: Dataset = {
    n: read.entries.length,
    featureShape: [read.shape.height, read.shape.width, read.shape.channels],
    x: read.x,
    y: read.y,
    target,
    sourceRows: Int32Array.from(read.entries, (e) => rowOf.get(e)!),
  };
  return { dataset, warnings };
}

async function listImages(file: string, size: number, source: DataSource, options: ReadOptions): Promise<ListedImage[]> {
  const base = dirname(file);
  const targetName = source.target ?? 'label';
  const listed: ListedImage[] = [];
  let pathColumn = -1;
  let labelColumn = -1;
  let header: string[] = [];
  await readDelimited(file, { delimiter: ',', onProgress: undefined, signal: options.signal, progressTotal: size, headerLine: source.header }, (cells, row, line) => {
    if (row === 0) {
      header = cells;
      pathColumn = cells.findIndex((c) => PATH_COLUMNS.includes(c.toLowerCase()));
      if (pathColumn < 0) {
        throw new DeeplineError('DL_DATA_FORMAT', `${file} line ${line} (header) has no column of image paths; columns are: ${cells.join(', ')}`, {
          hint: `name the column of image paths "path" (or ${PATH_COLUMNS.slice(1).join(', ')})`,
          location: { file, line },
        });
      }
      checkColumnNames(file, cells, targetName, line);
      labelColumn = cells.indexOf(targetName);
      return true;
    }
    const rawPath = cells[pathColumn];
    const label = cells[labelColumn];
    if (rawPath === '') throw emptyCell(file, row, line, header[pathColumn], 'an image path');
    if (cellSyntax.isMissing(label)) throw emptyCell(file, row, line, targetName, 'a target');
    listed.push({ path: resolve(base, rawPath), label, row, line });
    return source.limit === undefined || listed.length < source.limit;
  });
  if (listed.length === 0) {
    throw new DeeplineError('DL_DATA_FORMAT', `${file} lists no images: it has ${header.length > 0 ? 'a header but no rows' : 'no header and no rows'}`, {
      hint: 'add one row per image: path,label',
      location: { file },
    });
  }
  // Every file must exist before any is decoded, so a typo is reported with its row at once.
  for (const item of listed) {
    const info = await stat(item.path).catch((e: unknown) => {
      // Only "not there" is a typo to report with its row; "not allowed" is a permission to fix.
      if (isFileSystemError(e) && (e.code === 'ENOENT' || e.code === 'ENOTDIR')) return undefined;
      throw fileAccessError(e, item.path, { what: 'image', where: ` (${file} row ${item.row}, line ${item.line})` });
    });
    if (!info?.isFile()) {
      throw new DeeplineError('DL_DATA_MISSING', `${file} row ${item.row} (line ${item.line}): image ${item.path} ${info ? 'is not a file' : 'does not exist'}`, {
        hint: `paths are resolved from the list's folder (${base}): fix the path or remove the row`,
        location: { file, row: item.row, line: item.line, field: header[pathColumn] },
      });
    }
  }
  return listed;
}

function classTargets(
  file: string,
  name: string,
  listed: readonly ListedImage[],
  given: readonly string[] | undefined,
  warnings: string[],
): { target: TargetInfo; values: number[] } {
  const seen = [...new Set(listed.map((item) => item.label))];
  const classes = given ? [...given] : sortNaturally(seen);
  const index = new Map(classes.map((c, i) => [c, i]));
  const values = listed.map((item) => {
    const k = index.get(item.label);
    if (k === undefined) {
      throw new DeeplineError('DL_DATA_TARGET', `${file} row ${item.row} (line ${item.line}), column "${name}": class ${quoteCell(item.label)} is not in data.classes (${classes.join(', ')})`, {
        hint: 'add the class to data.classes, or fix the label',
        location: { file, row: item.row, line: item.line, field: name },
      });
    }
    return k;
  });
  if (seen.length < 2) {
    throw new DeeplineError('DL_DATA_TARGET', `only one class \`${seen[0]}\` in ${file} (column "${name}", ${listed.length} rows)`, {
      hint: 'a classifier needs at least two classes',
      location: { file, field: name },
    });
  }
  for (const c of classes) if (!seen.includes(c)) warnings.push(`class \`${c}\` (from data.classes) has no images in ${file}`);
  return { target: { kind: 'class', name, classes }, values };
}

function numericTargets(file: string, name: string, listed: readonly ListedImage[]): { target: TargetInfo; values: number[] } {
  const values = listed.map((item) => {
    const parsed = cellSyntax.number(item.label);
    if (parsed === undefined || parsed.style === 'infinite') {
      throw new DeeplineError('DL_DATA_VALUE', `${file} row ${item.row} (line ${item.line}), column "${name}": ${quoteCell(item.label)} is not a number`, {
        hint: 'a regression needs a finite number as the target of every image',
        location: { file, row: item.row, line: item.line, field: name },
      });
    }
    return parsed.value;
  });
  return { target: { kind: 'numeric', name }, values };
}

function emptyCell(file: string, row: number, line: number, column: string, what: string): DeeplineError {
  return new DeeplineError('DL_DATA_VALUE', `${file} row ${row} (line ${line}), column "${column}" is empty: every row needs ${what}`, {
    hint: 'fill in the value or remove the row',
    location: { file, row, line, field: column },
  });
}
