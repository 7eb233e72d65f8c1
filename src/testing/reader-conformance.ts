import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { featureSize, type Dataset, type TargetInfo } from '../data/dataset.ts';
import type { DataReader, DataSource, ReadProgress, ReadResult } from '../data/readers/data-reader.ts';
import { DeeplineError } from '../errors/index.ts';

/** The examples one set must hold, in the order the reader defines. */
export interface ExpectedSet {
  readonly featureShape: readonly number[];
  /** One array of feature values per example, row-major. */
  readonly examples: readonly (readonly number[])[];
  /** One target per example: a class index, or a number for a regression. */
  readonly targets: readonly number[];
  readonly target: TargetInfo;
}

/** A small data set in the reader's format, written by the implementation's test. */
export interface ReaderFixture {
  /** Writes the data into `dir` (an empty folder) and returns where it is and what reading it gives. */
  write(dir: string): Promise<{ source: DataSource; dataset: ExpectedSet; test?: ExpectedSet }>;
  /**
   * Writes the same data with one defect of the format (a ragged row, a truncated file, an image
   * that does not decode) and returns the source and the file a good error names.
   */
  writeBroken(dir: string): Promise<{ source: DataSource; file: string }>;
}

const examplesOf = (ds: Dataset): number[][] => {
  const d = featureSize(ds);
  return Array.from({ length: ds.n }, (_, i) => [...ds.x.subarray(i * d, (i + 1) * d)]);
};

function assertSet(actual: Dataset | undefined, expected: ExpectedSet, which: string): void {
  assert.ok(actual, `${which}: missing`);
  assert.deepEqual(actual.featureShape, expected.featureShape, `${which}: featureShape`);
  assert.deepEqual(actual.target, expected.target, `${which}: target`);
  assert.equal(actual.n, expected.examples.length, `${which}: n`);
  assert.deepEqual(examplesOf(actual), expected.examples.map((e) => [...e]), `${which}: features`);
  assert.deepEqual([...actual.y], [...expected.targets], `${which}: targets`);
}

/** What every data set must be, whatever its source: sizes that agree and usable values. */
function assertWellFormed(ds: Dataset, which: string): void {
  const d = featureSize(ds);
  assert.ok(Number.isInteger(ds.n) && ds.n > 0, `${which}: n = ${ds.n}`);
  assert.ok(ds.x instanceof Float32Array && ds.y instanceof Float32Array, `${which}: x and y are Float32Arrays`);
  assert.equal(ds.x.length, ds.n * d, `${which}: x holds n × ${ds.featureShape.join('×')} values`);
  assert.equal(ds.y.length, ds.n, `${which}: y holds one target per example`);
  assert.ok(ds.x.every(Number.isFinite), `${which}: every feature value is finite`);
  if (ds.target.kind === 'class') {
    const k = ds.target.classes.length;
    assert.ok(k >= 2, `${which}: a classification has at least two classes`);
    assert.ok(ds.y.every((v) => Number.isInteger(v) && v >= 0 && v < k), `${which}: class targets index into ${k} classes`);
  } else {
    assert.ok(ds.y.every(Number.isFinite), `${which}: numeric targets are finite`);
  }
  if (ds.featureNames) assert.equal(ds.featureNames.length, d, `${which}: one feature name per feature`);
  if (ds.sourceRows) {
    assert.equal(ds.sourceRows.length, ds.n, `${which}: one source row per example`);
    assert.ok(ds.sourceRows.every((r) => r >= 1), `${which}: source rows are 1-based`);
  }
}

/**
 * The contract every DataReader must meet (see data-reader.ts): it reads what its fixture wrote,
 * a well-formed data set, the same each time into fresh arrays; a missing path is
 * DL_DATA_MISSING and a defect a DL_DATA_* error, each naming the file; `limit` keeps at most that
 * many examples per set, all of them real, and says so; progress ends at its total; an aborted
 * read rejects. Each test gets its own temporary folder.
 */
export function readerConformance(label: string, reader: DataReader, fixture: ReaderFixture): void {
  const withDir = async (fn: (dir: string) => Promise<void>) => {
    const dir = await mkdtemp(join(tmpdir(), 'deepline-reader-'));
    try {
      await fn(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  const isDataError = (code?: string) => (e: unknown) => e instanceof DeeplineError && (code ? e.code === code : e.code.startsWith('DL_DATA_'));

  describe(`DataReader conformance: ${label}`, () => {
    it('has a name and a description', () => {
      assert.ok(/^[a-z][a-z0-9-]*$/.test(reader.name), `name ${reader.name}`);
      assert.ok(reader.description.length > 0);
    });

    it('reads the examples, targets and classes the fixture wrote, as a well-formed data set', () =>
      withDir(async (dir) => {
        const { source, dataset, test } = await fixture.write(dir);
        const result = await reader.read(source);
        assertSet(result.dataset, dataset, 'dataset');
        assertWellFormed(result.dataset, 'dataset');
        if (test) {
          assertSet(result.test, test, 'test');
          assertWellFormed(result.test!, 'test');
        } else {
          assert.equal(result.test, undefined, 'a source without a test set of its own gives none');
        }
        assert.ok(Array.isArray(result.warnings) && result.warnings.every((w) => typeof w === 'string' && w.length > 0));
      }));

    it('reads the same each time, into arrays of its own', () =>
      withDir(async (dir) => {
        const { source, dataset } = await fixture.write(dir);
        const first = await reader.read(source);
        const firstWarnings = [...first.warnings];
        first.dataset.x.fill(-1);
        first.dataset.y.fill(-1);
        first.test?.x.fill(-1);
        const second = await reader.read(source);
        assertSet(second.dataset, dataset, 'second read');
        assert.deepEqual(second.warnings, firstWarnings);
      }));

    it('reports a missing path as DL_DATA_MISSING naming it', () =>
      withDir(async (dir) => {
        const { source } = await fixture.write(dir);
        const missing = join(dir, `missing-${basename(source.path)}`);
        await assert.rejects(reader.read({ ...source, path: missing }), (e: unknown) => {
          assert.ok(isDataError('DL_DATA_MISSING')(e), `expected DL_DATA_MISSING, got ${String(e)}`);
          const error = e as DeeplineError;
          assert.ok(error.message.includes(missing), `the message names ${missing}: ${error.message}`);
          assert.equal(error.location?.file, missing);
          return true;
        });
      }));

    it('refuses a defective source with a DL_DATA error naming the file, returning nothing', () =>
      withDir(async (dir) => {
        const { source, file } = await fixture.writeBroken(dir);
        await assert.rejects(reader.read(source), (e: unknown) => {
          assert.ok(isDataError()(e), `expected a DL_DATA_* error, got ${String(e)}`);
          const error = e as DeeplineError;
          assert.ok(error.message.includes(file), `the message names ${file}: ${error.message}`);
          assert.ok(error.hint && error.hint.length > 0, 'the error says what to do');
          return true;
        });
      }));

    it('keeps at most `limit` examples per set, all of them real, and says so', () =>
      withDir(async (dir) => {
        const { source, dataset, test } = await fixture.write(dir);
        const limit = Math.ceil(dataset.examples.length / 2);
        assert.ok(limit >= 2 && limit < dataset.examples.length, 'the fixture needs at least four examples');
        const result = await reader.read({ ...source, limit });
        const sets: [Dataset | undefined, ExpectedSet | undefined][] = [
          [result.dataset, dataset],
          [result.test, test],
        ];
        for (const [actual, expected] of sets) {
          if (!expected) continue;
          assert.ok(actual && actual.n >= 1 && actual.n <= limit, `read ${actual?.n} examples with limit ${limit}`);
          assertWellFormed(actual, 'limited');
          // Compared by class name: with fewer examples, fewer classes may be found, and indices shift.
          const label = (target: TargetInfo, y: number) => (target.kind === 'class' ? target.classes[y] : y);
          const real = new Set(expected.examples.map((e, i) => JSON.stringify([e, label(expected.target, expected.targets[i])])));
          examplesOf(actual).forEach((e, i) => assert.ok(real.has(JSON.stringify([e, label(actual.target, actual.y[i])])), `example ${i} is one of the source's`));
        }
        assert.ok(result.warnings.some((w) => /limit/.test(w)), `no warning mentions the limit: ${result.warnings.join(' | ')}`);
      }));

    it('reports progress that never passes its total and ends at it', () =>
      withDir(async (dir) => {
        const { source } = await fixture.write(dir);
        const progress: ReadProgress[] = [];
        await reader.read(source, { onProgress: (p) => progress.push({ ...p }) });
        assert.ok(progress.length > 0, 'no progress reported');
        for (const p of progress) assert.ok(p.done >= 0 && p.done <= p.total && p.unit.length > 0, JSON.stringify(p));
        const last = progress.at(-1)!;
        assert.equal(last.done, last.total, `last progress ${JSON.stringify(last)}`);
      }));

    it('rejects a read whose signal is aborted', () =>
      withDir(async (dir) => {
        const { source } = await fixture.write(dir);
        const controller = new AbortController();
        controller.abort();
        let result: ReadResult | undefined;
        await assert.rejects(
          reader.read(source, { signal: controller.signal }).then((r) => (result = r)),
          (e: unknown) => (e as Error).name === 'AbortError',
        );
        assert.equal(result, undefined);
      }));
  });
}
