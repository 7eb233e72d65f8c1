import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { deepline, ROOT, tempDir } from './cli-helpers.ts';

/** iris.csv with its rows changed by `edit` (cells as strings, header left alone). */
function irisWith(file: string, edit: (cells: string[], i: number) => string[]): void {
  const [header, ...rows] = readFileSync(join(ROOT, 'examples/data/iris.csv'), 'utf8').trim().split('\n');
  writeFileSync(file, `${[header, ...rows.map((r, i) => edit(r.split(','), i).join(','))].join('\n')}\n`);
}

describe('deepline profile and validate', { timeout: 120_000 }, () => {
  const home = tempDir();
  const dir = tempDir('deepline-validate-');
  // examples/iris.yaml with its output folder moved into the test's own folder (the checkout stays untouched).
  const task = join(dir, 'iris.yaml');
  const output = join(dir, 'out');
  writeFileSync(task, readFileSync(join(ROOT, 'examples/iris.yaml'), 'utf8').replace('./data/iris.csv', join(ROOT, 'examples/data/iris.csv')).replace('../out/iris', output));

  test('profile writes the data report, its JSON and the schema, and summarises', () => {
    const r = deepline(['profile', task, '--json'], { home });
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout) as { rows: number; columns: number; target: { classes: number; imbalanceRatio: number }; associations: { column: string; measure: string; value: number }[] };
    assert.equal(summary.rows, 150);
    assert.equal(summary.columns, 5);
    assert.equal(summary.target.classes, 3);
    assert.equal(summary.target.imbalanceRatio, 1);
    // Petal length separates the species almost perfectly.
    assert.equal(summary.associations[0].column, 'petal_length');
    assert.equal(summary.associations[0].measure, 'eta');
    assert.ok(summary.associations[0].value > 0.9);
    const html = readFileSync(join(output, 'data-report.html'), 'utf8');
    assert.match(html, /<h2>Target: species<\/h2>/);
    assert.match(html, /<svg /);
    assert.ok(existsSync(join(output, 'data-profile.json')));
    const schema = JSON.parse(readFileSync(join(output, 'data-schema.json'), 'utf8')) as { columns: { name: string; domain?: string[] }[] };
    assert.deepEqual(schema.columns.find((c) => c.name === 'species')?.domain, ['setosa', 'versicolor', 'virginica']);

    const text = deepline(['profile', task, '--out', join(dir, 'elsewhere')], { home });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /iris: 150 rows × 5 columns/);
    assert.match(text.stdout, /3 classes, balanced \(50 rows each\)/);
    assert.ok(existsSync(join(dir, 'elsewhere', 'data-report.html')));
  });

  test('validate names the column scaled by 10 and the new species, and exits 1', () => {
    const shifted = join(dir, 'shifted.csv');
    irisWith(shifted, (cells, i) => [String(Number(cells[0]) * 10), cells[1], cells[2], cells[3], i % 10 === 0 ? 'iris-nova' : cells[4]]);
    const r = deepline(['validate', task, shifted], { home });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /2 errors, 0 warnings/);
    assert.match(r.stdout, /error\s+sepal_length\s+out-of-range\s+column "sepal_length" has 150 of 150 values \(100%\) outside the training range 4\.3 to 7\.9/);
    assert.match(r.stdout, /error\s+species\s+unseen-category\s+column "species" \(the target\) has 1 value never seen in training: "iris-nova" \(15 rows\)/);
    assert.match(r.stderr, /error\[DL_DATA_ANOMALY\]: validate: .*shifted\.csv has 2 error anomalies/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');

    const json = deepline(['validate', task, shifted, '--json', '--out', join(dir, 'report')], { home });
    assert.equal(json.code, 1);
    const result = JSON.parse(json.stdout) as { errors: number; schema: { how: string }; anomalies: { column: string; kind: string; examples: { value: string }[] }[] };
    assert.equal(result.errors, 2);
    assert.equal(result.schema.how, 'reused', 'the schema profile wrote is reused for the same training data');
    assert.deepEqual(result.anomalies.map((a) => [a.column, a.kind]), [['sepal_length', 'out-of-range'], ['species', 'unseen-category']]);
    assert.equal(result.anomalies[1].examples[0].value, 'iris-nova');
    const html = readFileSync(join(dir, 'report', 'data-report.html'), 'utf8');
    assert.match(html, /Anomalies: 2 errors, 0 warnings/);
    assert.match(html, /iris-nova/);
  });

  test('validate exits 0 on clean data and on warnings only', () => {
    const clean = deepline(['validate', task, join(ROOT, 'examples/data/iris.csv')], { home });
    assert.equal(clean.code, 0, clean.stderr);
    assert.match(clean.stdout, /no anomalies/);

    const oneOff = join(dir, 'one-off.csv');
    irisWith(oneOff, (cells, i) => (i === 4 ? [cells[0], '9.5', ...cells.slice(2)] : cells));
    const r = deepline(['validate', task, oneOff], { home });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /0 errors, 1 warning/);
    assert.match(r.stdout, /warning\s+sepal_width\s+out-of-range\s+.*9\.5 \(row 5\)/);
  });

  test('bad input stays exit 2 with the file named', () => {
    const missing = deepline(['validate', task, join(dir, 'nope.csv')], { home });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /error\[DL_DATA_MISSING\].*nope\.csv/);
    const noTarget = join(dir, 'no-target.csv');
    writeFileSync(noTarget, 'sepal_length,sepal_width\n5.1,3.5\n');
    const badSchema = join(dir, 'bad-schema.json');
    writeFileSync(badSchema, '{"formatVersion": 9}');
    const s = deepline(['validate', task, noTarget, '--schema', badSchema], { home });
    assert.equal(s.code, 2);
    assert.match(s.stderr, /error\[DL_DATA_FORMAT\].*bad-schema\.json/);
  });

  test('validate checks new data without the label column by its features, and says so', () => {
    const unlabelled = join(dir, 'unlabelled.csv');
    const iris = readFileSync(join(ROOT, 'examples/data/iris.csv'), 'utf8').trim().split('\n');
    writeFileSync(unlabelled, `${iris.map((line) => line.split(',').slice(0, 4).join(',')).join('\n')}\n`);
    const r = deepline(['validate', task, unlabelled], { home });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /note: the label column "species" is missing from the new data: the features were validated, the labels could not be/);
    assert.match(r.stdout, /no anomalies/);
    assert.doesNotMatch(r.stdout + r.stderr, /data\.target/, 'nothing to change in the task');

    // A feature missing as well is still an error; the label is not.
    const fewer = join(dir, 'fewer.csv');
    writeFileSync(fewer, 'sepal_length,sepal_width\n5.1,3.5\n');
    const json = deepline(['validate', task, fewer, '--json'], { home });
    assert.equal(json.code, 1, json.stderr);
    const result = JSON.parse(json.stdout) as { labels: boolean; anomalies: { column: string; kind: string }[]; notes: string[] };
    assert.equal(result.labels, false);
    assert.deepEqual(result.anomalies.map((a) => [a.column, a.kind]), [['petal_length', 'missing-column'], ['petal_width', 'missing-column']]);
    assert.match(result.notes[0], /label column "species" is missing/);
  });
});
