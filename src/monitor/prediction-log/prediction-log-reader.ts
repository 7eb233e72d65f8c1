import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileAccessError } from '../../errors/index.ts';
import { listSegments, modelFolder } from './log-segments.ts';
import { decodeEmbedding, isPredictionRecord, PREDICTION_LOG_VERSION, type PredictionRecord } from './prediction-record.ts';

/** A line the reader skipped, and why: `torn` is a last line without its `\n` (a write cut short by a kill, or one still under way). */
export interface PredictionLogWarning {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly reason: 'torn' | 'unparsable' | 'not-a-record' | 'newer-version';
  readonly message: string;
}

export interface ReadPredictionLogOptions {
  /** One model's records; default every model in the folder, one after another (by folder name). */
  readonly model?: string;
  /** Only records of this model version. */
  readonly version?: string;
  /** Only records at or after this time. */
  readonly since?: Date | string;
  /** Only records before this time. */
  readonly until?: Date | string;
  /** Told of every skipped line; default: a process warning (printed on stderr by Node). */
  readonly onWarning?: (warning: PredictionLogWarning) => void;
}

const CHUNK = 64 * 1024;

/**
 * The records of a prediction log, in the order they were written (segment by segment; each
 * process writes its own segments, in time order). Nothing a crash can leave stops the reading:
 * a torn last line, a line that does not parse or is not a record, or a record of a newer format
 * is skipped and reported to `onWarning`, naming the file and line. A log folder that does not
 * exist is a DL_DATA_MISSING error; a model with nothing logged yields nothing.
 */
export async function* readPredictionLog(dir: string, options: ReadPredictionLogOptions = {}): AsyncGenerator<PredictionRecord> {
  const warn = options.onWarning ?? ((w: PredictionLogWarning) => process.emitWarning(w.message, { type: 'DeeplinePredictionLogWarning', code: `DL_LOG_${w.reason.toUpperCase().replace('-', '_')}` }));
  const since = options.since === undefined ? -Infinity : new Date(options.since).getTime();
  const until = options.until === undefined ? Infinity : new Date(options.until).getTime();
  let folders: string[];
  try {
    folders = options.model !== undefined ? [modelFolder(options.model)] : (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    if (options.model !== undefined) await stat(dir);
  } catch (e) {
    throw fileAccessError(e, dir, { what: 'prediction log folder', missingCode: 'DL_DATA_MISSING', missingHint: 'give the folder `deepline serve --log <dir>` writes to (default: <home>/predictions)' });
  }
  for (const folder of folders) {
    for (const segment of await listSegments(join(dir, folder))) {
      // A record's time is taken before it is written, so a segment last written before `since` holds nothing later.
      if (since > -Infinity && (await stat(segment.path)).mtimeMs < since) continue;
      for await (const { text, line, complete } of linesOf(segment.path)) {
        if (!complete) {
          warn({ file: segment.path, line, reason: 'torn', message: `${segment.path}:${line}: skipped the last line, which is incomplete (${text.length} characters, no line end): a write cut short by a crash, or one still under way` });
          continue;
        }
        if (text.trim() === '') continue;
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (e) {
          warn({ file: segment.path, line, reason: 'unparsable', message: `${segment.path}:${line}: skipped a line that is not JSON (${(e as Error).message})` });
          continue;
        }
        if (!isPredictionRecord(value)) {
          warn({ file: segment.path, line, reason: 'not-a-record', message: `${segment.path}:${line}: skipped a line that is not a prediction record (it needs v, time, model and prediction)` });
          continue;
        }
        if (value.v > PREDICTION_LOG_VERSION) {
          warn({ file: segment.path, line, reason: 'newer-version', message: `${segment.path}:${line}: skipped a record of format ${value.v}, newer than this deepline reads (${PREDICTION_LOG_VERSION}): upgrade deepline` });
          continue;
        }
        if (options.model !== undefined && value.model !== options.model) continue;
        if (options.version !== undefined && value.version !== options.version) continue;
        const time = Date.parse(value.time);
        if (time < since || time >= until) continue;
        if (value.embedding === undefined) {
          yield value;
        } else {
          // Base64 float32 (format 2) or numbers (format 1) on disk; numbers to the caller.
          const { embedding: stored, ...rest } = value;
          const embedding = decodeEmbedding(stored);
          yield embedding ? { ...rest, embedding } : rest;
        }
      }
    }
  }
}

/** The lines of a file, numbered from 1; the last is `complete: false` when the file does not end with `\n`. */
async function* linesOf(path: string): AsyncGenerator<{ text: string; line: number; complete: boolean }> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    let carry: Buffer[] = [];
    let line = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) break;
      const data = buffer.subarray(0, bytesRead);
      let start = 0;
      for (let end = data.indexOf(10, start); end !== -1; end = data.indexOf(10, start)) {
        const piece = data.subarray(start, end);
        const text = carry.length > 0 ? Buffer.concat([...carry, piece]).toString('utf8') : piece.toString('utf8');
        carry = [];
        start = end + 1;
        yield { text, line: ++line, complete: true };
      }
      // Copied: the buffer is read into again.
      if (start < bytesRead) carry.push(Buffer.from(data.subarray(start)));
    }
    if (carry.length > 0) yield { text: Buffer.concat(carry).toString('utf8'), line: ++line, complete: false };
  } finally {
    await handle.close();
  }
}
