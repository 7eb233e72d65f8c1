import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { readTable } from '../../src/data/readers/read-table.ts';
import { createSeededRandom } from '../../src/seed/seeded-random.ts';
import { DeeplineError } from '../../src/errors/index.ts';
import type { Workspace } from '../../src/store/workspace.ts';
import { openWorkspace } from '../../src/store/workspace.ts';
import { parseTaskObject } from '../../src/task/parse-task-object.ts';
import { runTask, type RunTaskResult } from '../../src/context/run-task.ts';
import { deepline, ROOT, tempDir } from './cli-helpers.ts';

/**
 * Column names, categories and tokens that are keys of Object.prototype (or otherwise odd) go
 * through every stage — ingest, profile, schema, clean, split, transform, label noise, balance,
 * train, evaluate, reports — and through `validate`, and come out as themselves: as features,
 * as classes, as vocabulary. Names that cannot name a column (empty, whitespace, duplicates)
 * are a DeeplineError, never DL_INTERNAL and never a stack trace.
 */
export const ADVERSARIAL_NAMES: readonly string[] = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  'prototype',
  'length',
  'name',
  'toJSON',
  'then',
  'caller',
  'arguments',
  'size',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  'true',
  '0',
  '1e3',
  '-1',
  '007',
  'Ω unicode café',
  '数据列',
  '😀 emoji',
  'مرحبا',
  'x'.repeat(3000),
  'a,b',
  'say "hi"',
  'line\nbreak',
  'a',
  'a:missing',
  'a=b',
  'text[0]',
  '$.ignored[0].reason',
  '<script>alert(1)</script>',
  '%s %d %j',
  '${x}',
  'back\\slash',
  '../../etc/passwd',
  'CON',
  '\u200bzero width',
  'tab\tinside',
];

/** Category values (and class labels) that are prototype keys too. */
const ADVERSARIAL_CATEGORIES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'length', 'then', 'toJSON'];

function csvCell(value: string): string {
  return /[",\n\r\t]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function writeCsv(file: string, header: readonly string[], rows: readonly (readonly string[])[]): void {
  writeFileSync(file, `${[header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n')}\n`);
}

/**
 * `n` rows for `features` (numeric, categorical with adversarial categories, boolean — in turn)
 * and a class target that the first numeric feature predicts.
 */
function adversarialRows(features: readonly string[], n: number, classes: readonly string[], seed = 5): string[][] {
  const rng = createSeededRandom(seed);
  const rows: string[][] = [];
  for (let i = 0; i < n; i++) {
    const label = i % classes.length;
    const row = features.map((_, j) => {
      if (j % 3 === 1) return ADVERSARIAL_CATEGORIES[Math.floor(rng.next() * ADVERSARIAL_CATEGORIES.length)];
      if (j % 3 === 2) return rng.next() < 0.5 ? 'true' : 'false';
      return (label * 2 + rng.next()).toFixed(3);
    });
    rows.push([...row, classes[label]]);
  }
  return rows;
}

describe('adversarial column names, categories and tokens', { timeout: 600_000 }, () => {
  const dir = tempDir('deepline-names-');
  let workspace: Workspace;
  const silent = pino({ level: 'silent' });

  before(async () => {
    workspace = await openWorkspace(join(dir, 'home'));
  });
  after(async () => {
    await workspace.close();
  });

  const run = async (name: string, task: Record<string, unknown>): Promise<RunTaskResult> => {
    const spec = await parseTaskObject(
      { name, search: { enabled: false }, budget: { epochs: 2 }, engine: 'cpu', output: join(dir, 'out', name), ...task },
      { baseDir: dir },
    );
    return runTask(spec, { workspace, log: silent });
  };
  const json = <T>(result: RunTaskResult, file: string): T => JSON.parse(readFileSync(join(result.outputDir, file), 'utf8')) as T;

  test('the corpus holds at least 40 names', () => {
    assert.ok(ADVERSARIAL_NAMES.length >= 40, `${ADVERSARIAL_NAMES.length} names`);
    assert.equal(new Set(ADVERSARIAL_NAMES).size, ADVERSARIAL_NAMES.length, 'each name once');
  });

  test('every name is a feature, and prototype keys are the classes', async () => {
    const target = 'constructor';
    const features = ADVERSARIAL_NAMES.filter((n) => n !== target);
    writeCsv(join(dir, 'all.csv'), [...features, target], adversarialRows(features, 150, ['__proto__', 'toString', 'hasOwnProperty']));
    const result = await run('all-names', { task: 'tabular-classification', data: { path: './all.csv', target } });
    const transform = json<{ columns: { column: string; kind: string; categories?: string[] }[]; target: { column: string; classes: string[] }; ignored: unknown[] }>(result, 'transform.json');
    assert.deepEqual(transform.columns.map((c) => c.column), features);
    assert.deepEqual(transform.ignored, []);
    assert.deepEqual(transform.target, { kind: 'class', column: target, classes: ['__proto__', 'hasOwnProperty', 'toString'] });
    const oneHot = transform.columns.find((c) => c.column === 'constructor' || c.column === 'toString')!;
    assert.equal(oneHot.kind, 'one-hot');
    assert.deepEqual([...oneHot.categories!].sort(), [...ADVERSARIAL_CATEGORIES].sort());
    const schema = json<{ columns: { name: string; type: string; domain?: string[] }[] }>(result, 'data-schema.json');
    assert.deepEqual(schema.columns.map((c) => c.name), [...features, target]);
    assert.equal(result.metrics.kind, 'class');
    assert.ok(result.metrics.n > 0);
    const report = readFileSync(join(result.outputDir, 'report.html'), 'utf8');
    assert.doesNotMatch(report, /<script>alert/, 'names are escaped in the report');
    const dataReport = readFileSync(join(result.outputDir, 'data-report.html'), 'utf8');
    assert.doesNotMatch(dataReport, /<script>alert/);
    assert.match(dataReport, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    const profile = json<{ profile: { columns: { name: string }[] } }>(result, 'data-profile.json').profile;
    assert.deepEqual(profile.columns.map((c) => c.name).sort(), [...features, target].sort());
  });

  test('headers __proto__, constructor, toString, hasOwnProperty', async () => {
    const header = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
    writeCsv(join(dir, 'proto.csv'), header, adversarialRows(header.slice(0, 3), 120, ['x', 'y']));
    const result = await run('proto', { task: 'tabular-classification', data: { path: './proto.csv', target: 'hasOwnProperty' } });
    const transform = json<{ columns: { column: string; kind: string }[] }>(result, 'transform.json');
    assert.deepEqual(transform.columns.map((c) => [c.column, c.kind]), [['__proto__', 'numeric'], ['constructor', 'one-hot'], ['toString', 'boolean']]);
  });

  test('a regression target named __proto__, split by a group column named constructor', async () => {
    const rng = createSeededRandom(11);
    const rows = Array.from({ length: 160 }, (_, i) => {
      const x = rng.next();
      return [x.toFixed(4), ADVERSARIAL_CATEGORIES[i % 8], `g${Math.floor(i / 4)}`, (3 * x + rng.next() * 0.1).toFixed(4)];
    });
    writeCsv(join(dir, 'regression.csv'), ['valueOf', 'toString', 'constructor', '__proto__'], rows);
    const result = await run('regression', { task: 'tabular-regression', data: { path: './regression.csv', target: '__proto__', group: 'constructor' } });
    const transform = json<{ columns: { column: string }[]; target: { column: string }; ignored: { column: string; reason: string }[] }>(result, 'transform.json');
    assert.deepEqual(transform.columns.map((c) => c.column), ['valueOf', 'toString']);
    assert.equal(transform.target.column, '__proto__');
    assert.deepEqual(transform.ignored, [{ column: 'constructor', reason: 'the group column (data.group) decides the split' }]);
    assert.equal(result.metrics.kind, 'numeric');
  });

  test('JSON Lines whose keys are prototype keys, some rows without them', async () => {
    const rng = createSeededRandom(3);
    const lines = Array.from({ length: 120 }, (_, i) => {
      // JSON.parse makes "__proto__" an own key; leaving "constructor" out must read as missing, not as Object.
      const record = `{"__proto__": ${rng.next().toFixed(3)}, "valueOf": "${ADVERSARIAL_CATEGORIES[i % 8]}"${i % 5 === 0 ? '' : `, "constructor": ${i % 7}`}, "toString": "${i % 2 === 0 ? 'then' : 'length'}"}`;
      return record;
    });
    writeFileSync(join(dir, 'proto.jsonl'), `${lines.join('\n')}\n`);
    const result = await run('jsonl', { task: 'tabular-classification', data: { path: './proto.jsonl', target: 'toString' } });
    const transform = json<{ columns: { column: string; kind: string; indicator: boolean }[]; target: { classes: string[] } }>(result, 'transform.json');
    assert.deepEqual(transform.columns.map((c) => c.column), ['__proto__', 'valueOf', 'constructor']);
    assert.equal(transform.columns[2].kind, 'numeric');
    assert.equal(transform.columns[2].indicator, true, 'the rows without the key are missing values');
    assert.deepEqual(transform.target.classes, ['length', 'then']);
  });

  test('text whose tokens are prototype keys, in a column named toString', async () => {
    const rng = createSeededRandom(9);
    const words = [['constructor', 'prototype', 'length', 'then'], ['tostring', 'valueof', 'hasownproperty', 'tojson']];
    const rows = Array.from({ length: 160 }, (_, i) => {
      const label = i % 2;
      const text = Array.from({ length: 6 }, () => words[label][Math.floor(rng.next() * 4)]).join(' ');
      return [`${text} __proto__`, ADVERSARIAL_CATEGORIES[label]];
    });
    writeCsv(join(dir, 'text.csv'), ['toString', 'valueOf'], rows);
    const result = await run('text', { task: 'text-classification', data: { path: './text.csv', target: 'valueOf' } });
    const transform = json<{ columns: { column: string; kind: string; vocabulary: string[] }[]; target: { classes: string[] } }>(result, 'transform.json');
    assert.equal(transform.columns[0].column, 'toString');
    assert.deepEqual([...transform.columns[0].vocabulary].sort(), ['<oov>', '<pad>', 'constructor', 'hasownproperty', 'length', 'proto', 'prototype', 'then', 'tojson', 'tostring', 'valueof']);
    assert.deepEqual(transform.target.classes, ['__proto__', 'constructor']);
  });

  test('image classes named after prototype keys', async () => {
    const classes = ['__proto__', 'constructor', 'toString'];
    for (const [k, cls] of classes.entries()) {
      mkdirSync(join(dir, 'images', cls), { recursive: true });
      for (let i = 0; i < 9; i++) copyFileSync(join(ROOT, 'examples/data/digits-images', String(k), `00${(i % 3) + 1}.png`), join(dir, 'images', cls, `${i}.png`));
    }
    const result = await run('images', { data: { path: './images' } });
    assert.equal(result.spec.task, 'image-classification');
    assert.deepEqual(json<{ classes: string[] }>(result, 'metrics.json').classes, classes);
  });

  test('a time series whose time column is constructor and whose target is __proto__', async () => {
    const rng = createSeededRandom(4);
    const start = Date.UTC(2021, 0, 1);
    const rows = Array.from({ length: 200 }, (_, i) => [new Date(start + i * 86_400_000).toISOString().slice(0, 10), (Math.sin(i / 7) * 5 + rng.next()).toFixed(3)]);
    writeCsv(join(dir, 'series.csv'), ['constructor', '__proto__'], rows);
    const result = await run('series', { task: 'time-series-forecasting', data: { path: './series.csv', target: '__proto__', time: 'constructor' }, series: { window: 14, horizon: 1 } });
    assert.equal(result.metrics.kind, 'numeric');
    assert.ok(result.metrics.n > 0);
  });

  test('validate and profile read the names, categories and classes as themselves', () => {
    const home = join(dir, 'cli-home');
    const features = ADVERSARIAL_NAMES.filter((n) => n !== 'constructor');
    const task = join(dir, 'all.json');
    writeFileSync(task, JSON.stringify({ name: 'all-cli', data: { path: './all.csv', target: 'constructor' }, output: join(dir, 'out', 'all-cli') }));
    const profile = deepline(['profile', task, '--json'], { home, cwd: dir });
    assert.equal(profile.code, 0, profile.stderr);
    assert.equal((JSON.parse(profile.stdout) as { columns: number }).columns, ADVERSARIAL_NAMES.length);
    // New data: one column dropped, a category and a class never seen in training.
    const dropped = 'hasOwnProperty';
    const kept = features.filter((n) => n !== dropped);
    const rows = adversarialRows(features, 30, ['__proto__', 'toString', 'prototype'], 8).map((r) => r.filter((_, j) => features[j] !== dropped));
    for (const r of rows) r[kept.indexOf('toString')] = '__defineGetter__';
    writeCsv(join(dir, 'new.csv'), [...kept, 'constructor'], rows);
    const r = deepline(['validate', task, 'new.csv', '--json'], { home, cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^error\[DL_DATA_ANOMALY\]/m);
    const anomalies = (JSON.parse(r.stdout) as { anomalies: { column: string; kind: string }[] }).anomalies;
    const kinds = (column: string) => anomalies.filter((a) => a.column === column).map((a) => a.kind);
    assert.ok(kinds(dropped).length > 0, `the missing column ${dropped} is reported: ${JSON.stringify(anomalies)}`);
    assert.ok(kinds('toString').length > 0, 'the unseen category is reported');
    assert.ok(kinds('constructor').length > 0, 'the unseen class is reported');
    assert.deepEqual(kinds('__proto__'), [], 'an unchanged column is not');
    assert.deepEqual(kinds('valueOf'), []);
  });

  describe('names that cannot name a column are a DeeplineError', () => {
    const cases: [string, string][] = [
      ['an empty name', 'a,,y\n1,2,p\n3,4,q\n'],
      ['a whitespace-only name', 'a,   ,y\n1,2,p\n3,4,q\n'],
      ['a name twice', 'constructor,constructor,y\n1,2,p\n3,4,q\n'],
      ['__proto__ twice', '__proto__,__proto__,y\n1,2,p\n3,4,q\n'],
    ];
    for (const [name, text] of cases) {
      test(name, async () => {
        const file = join(dir, `bad-${name.replace(/\W+/g, '-')}.csv`);
        writeFileSync(file, text);
        await assert.rejects(readTable({ path: file, format: 'csv', target: 'y' }), (e: unknown) => {
          assert.ok(e instanceof DeeplineError, String(e));
          assert.equal(e.code, 'DL_DATA_FORMAT');
          assert.match(e.message, /has no name|appears twice/);
          return true;
        });
        const r = deepline(['run', '--data', file, '--target', 'y', '--task', 'tabular-classification'], { home: join(dir, 'cli-home'), cwd: dir });
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, /^error\[DL_DATA_FORMAT\]: .*(has no name|appears twice)/m);
        assert.doesNotMatch(r.stderr, /^\s+at .+:\d+:\d+\)?$/m);
      });
    }
    test('quoted spaces are part of a name, as written', async () => {
      // Unquoted spaces around a name are trimmed (a whitespace-only one is then empty, above); quoted ones are kept.
      const file = join(dir, 'quoted-spaces.csv');
      writeFileSync(file, 'toString," toString ","   ",y\n1,2,3,p\n3,4,5,q\n');
      const { table } = await readTable({ path: file, format: 'csv', target: 'y' });
      assert.deepEqual(table.columns.map((c) => c.name), ['toString', ' toString ', '   ', 'y']);
    });

    test('an empty key in JSON Lines', async () => {
      const file = join(dir, 'empty-key.jsonl');
      writeFileSync(file, '{"": 1, "y": "p"}\n{"": 2, "y": "q"}\n');
      const r = deepline(['run', '--data', file, '--target', 'y', '--task', 'tabular-classification'], { home: join(dir, 'cli-home'), cwd: dir });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^error\[DL_DATA_FORMAT\]: .*(empty key|has no name)/m);
    });
  });
});
