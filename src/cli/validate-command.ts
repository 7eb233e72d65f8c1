import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import type { DataSchema } from '../data/schema/data-schema.ts';
import type { validateTable } from '../data/schema/validate-table.ts';
import type { Table } from '../data/table.ts';
import { DeeplineError, fileAccessError } from '../errors/index.ts';
import type { TaskSpec } from '../task/task-spec.ts';
import { printJson, printTable } from './output.ts';
import { writeOutputFile } from './write-output-file.ts';

interface ValidateOptions {
  json?: boolean;
  schema?: string;
  out?: string;
}

/** Where the schema comes from, for the summary line. */
interface SchemaOrigin {
  readonly path: string;
  readonly how: 'given' | 'reused' | 'inferred';
}

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description("check new data against the schema of a task's training data: missing or extra columns, wrong types, unseen categories, out-of-range values, more missing values")
    .argument('<task-file>', 'the task whose training data defines the schema')
    .argument('<new-data>', "a file in the task's data format, with the same columns (without the label column, the features alone are checked)")
    .option('--schema <file>', "check against this data-schema.json instead of the one inferred from the task's data")
    .option('--out <dir>', 'also write data-report.html and data-profile.json of the new data, anomalies included')
    .option('--json', 'print the anomalies as JSON on stdout')
    .addHelpText(
      'after',
      '\nThe schema is inferred from the training data once and saved as data-schema.json in the task\'s\noutput folder (edit it to loosen a range or add a category); it is inferred again when the\ntraining data changes. Exit code: 0 when no anomaly is an error (warnings allowed), 1 when one\nis, 2 for bad usage or unreadable input.\n\nExample:\n  deepline validate examples/iris.yaml new-flowers.csv',
    )
    .action(async (taskFile: string, newData: string, opts: ValidateOptions) => {
      const [{ loadTaskFile }, { TABLE_FORMATS }, { readTaskData }, { validateTable }] = await Promise.all([
        import('../task/load-task.ts'),
        import('../data/readers/data-formats.ts'),
        import('../task/read-task-data.ts'),
        import('../data/schema/validate-table.ts'),
      ]);
      const spec = await loadTaskFile(taskFile);
      if (!TABLE_FORMATS.some((f) => f === spec.data.format) || spec.task === 'image-classification') {
        throw new DeeplineError('DL_USAGE', `validate checks tables, but task ${spec.name} (${taskFile}) reads ${spec.task === 'image-classification' ? 'images' : spec.data.format} data`, {
          hint: 'use a task whose data is a CSV, TSV or JSONL table; `deepline profile` describes image data',
        });
      }
      const { schema, origin } = await schemaFor(spec, opts.schema);
      const path = resolve(newData);
      await checkNewData(path);
      // New data to predict on has no labels yet: it is checked as serving data, features only.
      const data = await readTaskData(spec, { path, labelOptional: true });
      if (data.kind !== 'table') throw new DeeplineError('DL_INTERNAL', `${path} was not read as a table`);
      const unlabelled = data.targetMissing === true;
      const anomalies = validateTable(schema, data.table, { environment: unlabelled ? 'serving' : 'training' });
      const errors = anomalies.filter((a) => a.severity === 'error').length;
      const warnings = anomalies.length - errors;
      const notes: string[] = [];
      if (unlabelled) {
        notes.push(`the label column "${spec.data.target}" is missing from the new data: the features were validated, the labels could not be (data to predict on has none)`);
      }
      if (opts.out) {
        // The report profiles each column against the label, so it needs one.
        if (unlabelled) notes.push(`no report written to ${opts.out}: the data report needs the label column`);
        else await writeReport(resolve(opts.out), spec, data.table, anomalies, data.warnings, newData);
      }

      if (opts.json) {
        printJson({ task: spec.name, data: path, rows: data.table.n, schema: origin, labels: !unlabelled, errors, warnings, anomalies, readerWarnings: data.warnings, notes });
      } else {
        const out = process.stdout;
        out.write(`${newData}: ${data.table.n.toLocaleString('en-US')} rows checked against the schema of ${spec.name} (${schema.rows.toLocaleString('en-US')} training rows; ${origin.how} ${relative(process.cwd(), origin.path) || origin.path})\n`);
        for (const n of notes) out.write(`note: ${n}\n`);
        for (const w of data.warnings) out.write(`reader warning: ${w}\n`);
        if (anomalies.length === 0) {
          out.write('no anomalies: the data matches the schema\n');
        } else {
          out.write(`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`);
          const sorted = [...anomalies].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
          printTable(['severity', 'column', 'kind', 'message'], sorted.map((a) => [a.severity, a.column, a.kind, a.message]));
        }
      }
      if (errors > 0) {
        // Exit 1, like a failed run: the data was read fine but does not pass the check.
        throw new DeeplineError('DL_DATA_ANOMALY', `validate: ${newData} has ${errors} error anomal${errors === 1 ? 'y' : 'ies'} against the schema of ${spec.name}`, {
          hint: 'fix the data, or — if the change is expected — edit data-schema.json (a range, a category) and validate again',
        });
      }
    });
}

/**
 * The schema to check against: the file given, else data-schema.json in the task's output folder
 * when it was inferred from the same training data (same content hash), else inferred now and
 * saved there for next time.
 */
async function schemaFor(spec: TaskSpec, given: string | undefined): Promise<{ schema: DataSchema; origin: SchemaOrigin }> {
  const [{ parseDataSchema }, { inferSchema }, { sourceContentHash }, { readTaskData }] = await Promise.all([
    import('../data/schema/data-schema.ts'),
    import('../data/schema/infer-schema.ts'),
    import('../data/source-fingerprint.ts'),
    import('../task/read-task-data.ts'),
  ]);
  if (given) {
    const path = resolve(given);
    return { schema: parseDataSchema(await readJson(path), path), origin: { path, how: 'given' } };
  }
  const path = join(spec.output, 'data-schema.json');
  const version = await sourceContentHash(spec.data.path);
  if (existsSync(path)) {
    const stored = parseDataSchema(await readJson(path), path);
    if (stored.dataVersion === version) return { schema: stored, origin: { path, how: 'reused' } };
  }
  const training = await readTaskData(spec);
  if (training.kind !== 'table') throw new DeeplineError('DL_INTERNAL', `${spec.data.path} was not read as a table`);
  const schema = inferSchema(training.table);
  try {
    await writeOutputFile(path, `${JSON.stringify(schema, null, 1)}\n`, 'data schema');
  } catch (e) {
    // Saving only spares the next validate a read of the training data: the check goes on.
    process.stderr.write(`warning: the schema was not saved, so it will be inferred again next time: ${(e as Error).message}\n`);
  }
  return { schema, origin: { path, how: 'inferred' } };
}

/** The new data must be a file, named in the message when it is not (not `data.path`: that is the training data). */
async function checkNewData(path: string): Promise<void> {
  const info = await stat(path).catch((e: unknown) => {
    throw fileAccessError(e, path, { what: 'new data file', missingCode: 'DL_DATA_MISSING', missingHint: 'check the <new-data> path given to validate' });
  });
  if (info.isDirectory()) {
    throw new DeeplineError('DL_FILE_ACCESS', `new data file ${path} is a folder, not a file`, {
      hint: "give validate a file in the task's data format (CSV, TSV or JSONL)",
      location: { file: path },
    });
  }
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw fileAccessError(e, path, { what: 'schema file', missingCode: 'DL_DATA_MISSING', missingHint: 'check the path given to --schema' });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new DeeplineError('DL_DATA_FORMAT', `${path} is not valid JSON (${(e as Error).message})`, {
      hint: 'regenerate it with `deepline profile <task-file>`, or fix the JSON',
      location: { file: path },
      cause: e,
    });
  }
}

async function writeReport(dir: string, spec: TaskSpec, table: Table, anomalies: ReturnType<typeof validateTable>, warnings: readonly string[], source: string): Promise<void> {
  const [{ profileTable }, { buildDataReport }, { renderDataReportHtml }] = await Promise.all([
    import('../data/profile/profile-table.ts'),
    import('../data/profile/data-report.ts'),
    import('../data/profile/render-data-report-html.ts'),
  ]);
  const targetKind = spec.task.endsWith('regression') ? 'numeric' : 'class';
  const profile = profileTable(table, { targetKind });
  const extras = { title: `${spec.name}: new data`, source, warnings };
  await writeOutputFile(join(dir, 'data-report.html'), renderDataReportHtml(profile, anomalies, extras), 'data report');
  await writeOutputFile(join(dir, 'data-profile.json'), `${JSON.stringify(buildDataReport(profile, anomalies, extras))}\n`, 'data profile');
}
