import { createReadStream } from 'node:fs';
import type { ReadProgress } from './data-reader.ts';
import { Utf8Validator } from './utf8-validator.ts';

export interface TextChunkOptions {
  readonly onProgress?: (p: ReadProgress) => void;
  readonly signal?: AbortSignal;
  /** Bytes already reported by earlier passes over the same file, and the total of all passes. */
  readonly progressBase?: number;
  readonly progressTotal: number;
}

const PROGRESS_BYTES = 1 << 20;

/**
 * The file in chunks of validated UTF-8 that each decode on their own (see Utf8Validator),
 * reporting progress in bytes about every MiB. Stopping the iteration early closes the file.
 */
export async function* readUtf8Chunks(file: string, options: TextChunkOptions): AsyncGenerator<Buffer> {
  const validator = new Utf8Validator(file);
  const base = options.progressBase ?? 0;
  let done = 0;
  let reported = 0;
  for await (const chunk of createReadStream(file, { signal: options.signal, highWaterMark: 1 << 16 }) as AsyncIterable<Buffer>) {
    yield validator.check(chunk);
    done += chunk.length;
    if (done - reported >= PROGRESS_BYTES) {
      reported = done;
      options.onProgress?.({ done: base + done, total: options.progressTotal, unit: 'byte' });
    }
  }
  validator.end();
}
