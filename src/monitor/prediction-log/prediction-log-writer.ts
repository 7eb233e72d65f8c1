import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureWritableFolder } from '../../store/ensure-writable-folder.ts';
import { listSegments, modelFolder, segmentName } from './log-segments.ts';
import { encodeEmbedding, type PredictionRecord } from './prediction-record.ts';

export interface PredictionLogWriterOptions {
  /** The log folder; each model's records go to `<dir>/<model>/<segment>.jsonl`. */
  readonly dir: string;
  /** A segment is closed, and the next begun, before it would pass this many bytes; default 64 MiB. */
  readonly maxSegmentBytes?: number;
  /** The longest a record waits in memory before it is written, in ms; default 20. */
  readonly flushIntervalMs?: number;
  /**
   * The most records waiting to be written; past it, new records are dropped (and counted), so a
   * stalled disk never grows the server's memory or slows its answers. Default 10,000.
   */
  readonly maxPendingRecords?: number;
  /**
   * When data is forced to disk: `segment` (default) fsyncs a segment as it is closed (rotation,
   * close); `batch` also after every write, for logs that must survive a power cut, at a disk
   * flush per batch. Either way a killed process loses nothing it wrote: the OS has it.
   */
  readonly fsync?: 'segment' | 'batch';
  /** Told of each failed write (its records are counted as failed); the writer carries on with a new segment. */
  readonly onError?: (error: Error) => void;
}

/** What the writer has done since it opened: every appended record is pending, written, failed or dropped. */
export interface PredictionLogStats {
  readonly appended: number;
  readonly written: number;
  readonly pending: number;
  readonly dropped: number;
  readonly failed: number;
}

interface Segment {
  readonly handle: FileHandle;
  readonly n: number;
  bytes: number;
}

/** Records written at once, without waiting out the interval, when this many are pending. */
const EAGER_BATCH = 256;

/**
 * The prediction log's writer: JSON Lines segments per model, append-only, rotated by size.
 *
 * Crash safety. A record is one line ending in `\n`; the records of a model collected during one
 * interval (at most `flushIntervalMs`) go to its segment in a single `write` on a handle opened
 * for appending, so no byte already in a file is ever rewritten. Each process writes only
 * segments it created itself (exclusive create: a restarted or second server begins a new
 * segment rather than appending after a line a killed one left torn). A SIGKILL can therefore
 * cost at most the records still in memory (under `flushIntervalMs` old) and leave at most the
 * last line of the segment being written torn, which the reader skips with a warning. What has
 * been written is in the OS's page cache and survives the process; only a crash of the machine
 * can lose recent writes, and `fsync: 'batch'` closes that window too.
 *
 * `append` never waits and never throws: logging adds no file system call to a request's path.
 */
export class PredictionLogWriter {
  private readonly dir: string;
  private readonly maxSegmentBytes: number;
  private readonly flushIntervalMs: number;
  private readonly maxPending: number;
  private readonly fsyncEveryBatch: boolean;
  private readonly onError: (error: Error) => void;
  private pending: PredictionRecord[] = [];
  private readonly segments = new Map<string, Segment>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  /** Full segments being fsynced and closed, off the write path. */
  private readonly retiring = new Set<Promise<void>>();
  private counts = { appended: 0, written: 0, dropped: 0, failed: 0 };

  private constructor(options: PredictionLogWriterOptions) {
    this.dir = options.dir;
    this.maxSegmentBytes = options.maxSegmentBytes ?? 64 * 1024 * 1024;
    this.flushIntervalMs = options.flushIntervalMs ?? 20;
    this.maxPending = options.maxPendingRecords ?? 10_000;
    this.fsyncEveryBatch = options.fsync === 'batch';
    this.onError = options.onError ?? (() => {});
    if (!(this.maxSegmentBytes > 0)) throw new RangeError(`maxSegmentBytes must be > 0, but got ${this.maxSegmentBytes}`);
    if (!(this.flushIntervalMs >= 0)) throw new RangeError(`flushIntervalMs must be >= 0, but got ${this.flushIntervalMs}`);
  }

  /** A writer into `options.dir`, created if absent; a folder it cannot write is a DL_NOT_WRITABLE error now, not at the first request. */
  static async open(options: PredictionLogWriterOptions): Promise<PredictionLogWriter> {
    await ensureWritableFolder(options.dir, 'prediction log folder');
    return new PredictionLogWriter(options);
  }

  get stats(): PredictionLogStats {
    return { ...this.counts, pending: this.pending.length };
  }

  /** Queues a record; it is written within `flushIntervalMs`. After close, or past `maxPendingRecords`, it is dropped. */
  append(record: PredictionRecord): void {
    if (this.closing || this.pending.length >= this.maxPending) {
      this.counts.dropped += 1;
      return;
    }
    this.pending.push(record);
    this.counts.appended += 1;
    if (this.pending.length >= EAGER_BATCH) this.kick();
    else if (this.timer === undefined && this.writing === undefined) this.timer = setTimeout(() => this.kick(), this.flushIntervalMs);
  }

  /** Resolves once every record appended so far has been written (or has failed). */
  async flush(): Promise<void> {
    this.kick();
    while (this.writing) await this.writing;
  }

  /** Writes what is pending, fsyncs and closes the segments. Later appends are dropped. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.flush();
      for (const segment of this.segments.values()) this.retire(segment);
      this.segments.clear();
      await Promise.all(this.retiring);
    })();
    return this.closing;
  }

  private kick(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    // A write under way takes what is pending when it ends (below), so records never wait for a second timer.
    if (this.writing || this.pending.length === 0) return;
    this.writing = this.writeAll().finally(() => {
      this.writing = undefined;
      if (this.pending.length > 0) this.kick();
    });
  }

  private async writeAll(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      const byModel = new Map<string, string[]>();
      for (const record of batch) {
        let line: string;
        try {
          line = serialize(record);
        } catch (e) {
          this.counts.failed += 1;
          this.onError(e as Error);
          continue;
        }
        const lines = byModel.get(record.model);
        if (lines) lines.push(line);
        else byModel.set(record.model, [line]);
      }
      for (const [model, lines] of byModel) await this.writeLines(model, lines);
    }
  }

  /** Appends lines to the model's segment, rotating before a segment would pass its size. */
  private async writeLines(model: string, lines: readonly string[]): Promise<void> {
    let done = 0;
    try {
      let segment = this.segments.get(model) ?? (await this.begin(model, 0));
      let chunk: string[] = [];
      let chunkBytes = 0;
      for (const line of lines) {
        const bytes = Buffer.byteLength(line);
        if (segment.bytes + chunkBytes + bytes > this.maxSegmentBytes && segment.bytes + chunkBytes > 0) {
          if (chunk.length > 0) done += await this.writeChunk(segment, chunk);
          chunk = [];
          chunkBytes = 0;
          this.segments.delete(model);
          this.retire(segment);
          segment = await this.begin(model, segment.n);
        }
        chunk.push(line);
        chunkBytes += bytes;
      }
      if (chunk.length > 0) done += await this.writeChunk(segment, chunk);
    } catch (e) {
      this.counts.failed += lines.length - done;
      this.onError(e as Error);
      // Whatever the failed write left at the end of its segment stays at the end: the next write begins a new one.
      const segment = this.segments.get(model);
      this.segments.delete(model);
      if (segment) await this.release(segment, false).catch(() => {});
    }
  }

  /** One `write` of whole lines (repeated only for what a short write left). */
  private async writeChunk(segment: Segment, lines: readonly string[]): Promise<number> {
    const buffer = Buffer.from(lines.join(''), 'utf8');
    for (let offset = 0; offset < buffer.length; ) {
      const { bytesWritten } = await segment.handle.write(buffer, offset, buffer.length - offset);
      offset += bytesWritten;
      segment.bytes += bytesWritten;
    }
    if (this.fsyncEveryBatch) await segment.handle.datasync();
    this.counts.written += lines.length;
    return lines.length;
  }

  /** Creates the model's next segment, numbered past `after` and past every segment already there. */
  private async begin(model: string, after: number): Promise<Segment> {
    const folder = join(this.dir, modelFolder(model));
    await mkdir(folder, { recursive: true });
    const existing = await listSegments(folder);
    for (let n = Math.max(after, existing.at(-1)?.n ?? 0) + 1; ; n++) {
      try {
        // 'ax': append-only, and only a file this call creates (another writer may be numbering too).
        const segment: Segment = { handle: await open(join(folder, segmentName(n)), 'ax'), n, bytes: 0 };
        this.segments.set(model, segment);
        return segment;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
  }

  /** Fsyncs and closes a segment nothing more is written to, without holding up the next writes. */
  private retire(segment: Segment): void {
    const done = this.release(segment, true)
      .catch((e: unknown) => this.onError(e as Error))
      .finally(() => this.retiring.delete(done));
    this.retiring.add(done);
  }

  private async release(segment: Segment, sync: boolean): Promise<void> {
    try {
      if (sync) await segment.handle.sync();
    } finally {
      await segment.handle.close();
    }
  }
}

/** One line: the record as JSON, its embedding as base64 float32 (encodeEmbedding), and `\n`. */
function serialize(record: PredictionRecord): string {
  const { embedding } = record;
  if (embedding === undefined) return `${JSON.stringify(record)}\n`;
  return `${JSON.stringify({ ...record, embedding: encodeEmbedding(embedding) })}\n`;
}
