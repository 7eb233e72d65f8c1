import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { modelFolder } from './log-segments.ts';
import type { InputReference } from './prediction-record.ts';

/** The folder a model's kept inputs go to: `<log dir>/<model folder>/inputs`, next to its segments. */
export function inputsFolder(logDir: string, model: string): string {
  return join(logDir, modelFolder(model), 'inputs');
}

/** An image file's extension from its first bytes: png, jpg or webp; anything else is `bin`. */
export function imageExtension(bytes: Uint8Array): 'png' | 'jpg' | 'webp' | 'bin' {
  const starts = (...sig: number[]): boolean => sig.every((b, k) => bytes[k] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (starts(0xff, 0xd8, 0xff)) return 'jpg';
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50) return 'webp';
  return 'bin';
}

/** What the store has done since it opened: each distinct input is written once, or counted failed. */
export interface InputStoreStats {
  readonly written: number;
  readonly failed: number;
  readonly pending: number;
}

/**
 * The prediction log's store of image inputs, so logged images can be labelled later: content
 * addressed, `<log dir>/<model folder>/inputs/<sha256>.<ext>` — for `{ image: base64 }` the bytes
 * as sent (ext from their magic bytes), for `{ pixels: [...] }` the numbers as a JSON array
 * (`.json`). The hash is the one the record's `inputRef` carries.
 *
 * `keep` never waits and never throws: the write happens off the request's path, once per hash
 * (an input already written, or being written, by this process is skipped; one a previous process
 * wrote is overwritten with the same bytes), and a failed write is counted (and told to `onError`),
 * never raised. `close` waits for the writes in flight.
 */
export class PredictionInputStore {
  private readonly seen = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly folders = new Map<string, Promise<unknown>>();
  private counts = { written: 0, failed: 0 };

  constructor(
    private readonly logDir: string,
    private readonly onError: (error: Error) => void = () => undefined,
  ) {}

  get stats(): InputStoreStats {
    return { ...this.counts, pending: this.inFlight.size };
  }

  /** Queues the instance's input for writing under its reference's hash (image bytes or pixels only). */
  keep(model: string, instance: unknown, ref: InputReference | undefined): void {
    if (!ref || (ref.of !== 'image-bytes' && ref.of !== 'pixels')) return;
    const given = instance as { image?: unknown; pixels?: unknown } | null;
    const key = `${model}\0${ref.sha256}`;
    if (this.seen.has(key)) return;
    let bytes: Uint8Array;
    let ext: string;
    if (ref.of === 'image-bytes' && typeof given?.image === 'string') {
      bytes = Buffer.from(given.image, 'base64');
      ext = imageExtension(bytes);
    } else if (ref.of === 'pixels' && Array.isArray(given?.pixels)) {
      bytes = Buffer.from(JSON.stringify(given.pixels));
      ext = 'json';
    } else {
      return;
    }
    this.seen.add(key);
    const folder = inputsFolder(this.logDir, model);
    let made = this.folders.get(folder);
    if (!made) {
      made = mkdir(folder, { recursive: true });
      this.folders.set(folder, made);
    }
    const write = made
      .then(() => writeFile(join(folder, `${ref.sha256}.${ext}`), bytes))
      .then(
        () => void this.counts.written++,
        (e: unknown) => {
          this.counts.failed++;
          this.seen.delete(key);
          this.folders.delete(folder);
          this.onError(e instanceof Error ? e : new Error(String(e)));
        },
      )
      .finally(() => this.inFlight.delete(write));
    this.inFlight.add(write);
  }

  /** Resolves once every queued input is written (or has failed). */
  async close(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }
}

/** The inputs a model's store holds, by hash: `{ path, ext }` of each; empty when the folder is absent. */
export async function listKeptInputs(folder: string): Promise<Map<string, { path: string; ext: string }>> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw e;
  }
  const kept = new Map<string, { path: string; ext: string }>();
  for (const name of names) {
    const m = /^([0-9a-f]{64})\.([a-z]+)$/.exec(name);
    if (m) kept.set(m[1]!, { path: join(folder, name), ext: m[2]! });
  }
  return kept;
}
