import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { ImageGrid } from '../data/transform/instance-codec.ts';
import { DeeplineError } from '../errors/index.ts';
import { printJson } from './output.ts';
import { resolveRunFolder } from './resolve-run-folder.ts';
import { storeOptions } from './store-options.ts';
import type { OpenWorkspaceOptions } from '../store/workspace.ts';

interface ExportOptions {
  out: string;
  count: string;
  by: string;
  log?: string;
  name?: string;
  since?: string;
  json?: boolean;
}

interface ImportOptions {
  model: string;
  name?: string;
  json?: boolean;
}

interface TableModel {
  readonly kind: 'table';
  readonly dir: string;
  readonly name: string;
  readonly columns: string[];
  readonly target: string;
}

interface ImageModel {
  readonly kind: 'image';
  readonly dir: string;
  readonly name: string;
  readonly grid: ImageGrid;
  readonly runId?: string;
}

/** The folder of a model, the name it was served and logged under, and what labelling needs of it: a table's columns and target, or an image model's grid. */
async function modelOf(spec: string, home: string, name: string | undefined, store: OpenWorkspaceOptions): Promise<TableModel | ImageModel> {
  const { name: given, dir } = await resolveRunFolder(spec, home, { store });
  const read = (file: string): Record<string, unknown> | undefined => (existsSync(join(dir, file)) ? (JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>) : undefined);
  const transform = read('transform.json') as { kind?: string; columns?: { column: string }[]; target?: { column?: string }; featureShape?: number[]; scale?: number } | undefined;
  const run = read('run.json') as { name?: string; runId?: string } | undefined;
  const served = name ?? given ?? run?.name ?? 'model';
  if (transform?.kind === 'image-standardize' && transform.featureShape?.length === 3 && typeof transform.scale === 'number') {
    const [height, width, channels] = transform.featureShape as [number, number, 1 | 3];
    return { kind: 'image', dir, name: served, grid: { height, width, channels, scale: transform.scale }, ...(run?.runId && { runId: run.runId }) };
  }
  if (transform?.kind !== 'table' || !transform.target?.column) {
    throw new DeeplineError('DL_USAGE', `${dir} holds a model of tensors: labelling from the log works for table, text and image models`, { hint: 'label the tensors in your own tooling and add them to the training data' });
  }
  return { kind: 'table', dir, name: served, columns: transform.columns!.map((c) => c.column), target: transform.target.column };
}

/**
 * The pixel CSV an image model was trained from: its feature columns (in order) and target, read
 * from the run's task in the workspace. Image folders and lists are refused: labelled rows are
 * written as pixel-CSV rows, which only a pixel CSV can take.
 */
async function pixelColumnsOf(model: ImageModel, home: string, store: OpenWorkspaceOptions): Promise<{ columns: string[]; target: string }> {
  const { openWorkspace } = await import('../store/workspace.ts');
  const workspace = await openWorkspace(home, store);
  let data: { path?: string; target?: string; header?: number; image?: unknown } | undefined;
  try {
    data = model.runId ? ((await workspace.metadata.getRun(model.runId))?.spec as { data?: typeof data } | undefined)?.data : undefined;
  } finally {
    await workspace.close();
  }
  const supported = 'label import for image models supports models trained from a pixel CSV (data.image set, one column per pixel plus the target), trained in this workspace';
  if (!data?.path || !data.target || !data.image) {
    throw new DeeplineError('DL_USAGE', `the task of ${model.dir} (run ${model.runId ?? 'unknown'}) is not in ${home} or was not trained from a pixel CSV`, { hint: supported });
  }
  let header: string[] | undefined;
  try {
    if (statSync(data.path).isFile()) {
      const { parse } = await import('csv-parse/sync');
      const line = data.header ?? 1;
      header = (parse(readFileSync(data.path, 'utf8'), { from_line: line, to_line: line }) as string[][])[0];
    }
  } catch (e) {
    throw new DeeplineError('DL_DATA_MISSING', `the training data ${data.path} cannot be read (${(e as Error).message})`, { hint: 'label import reads the header of the CSV the model was trained from' });
  }
  const columns = header?.filter((c) => c !== data.target) ?? [];
  if (!header || !header.includes(data.target) || columns.length !== model.grid.width * model.grid.height * model.grid.channels) {
    throw new DeeplineError('DL_USAGE', `${data.path} is not a pixel CSV of ${model.grid.height}x${model.grid.width}x${model.grid.channels} images with a ${data.target} column (image folders and image lists are not supported)`, { hint: supported });
  }
  return { columns, target: data.target };
}

export function registerLabelCommand(program: Command): void {
  const label = program.command('label').description('turn logged predictions into labelled training data');
  label
    .command('export')
    .description('write the logged inputs most worth labelling (the most uncertain, or the most drifted) to a JSONL or CSV file')
    .argument('<model>', 'an output folder, a run id or a registry name, as deepline serve was given it')
    .requiredOption('--out <file>', 'the file to write: .jsonl or .csv (a label column to fill in)')
    .option('--count <n>', 'how many inputs', '50')
    .option('--by <order>', 'uncertainty (smallest margin first) or drift (farthest from the training data first)', 'uncertainty')
    .option('--log <dir>', 'the prediction log folder (default: <home>/predictions)')
    .option('--name <name>', 'the name the model was served and logged under')
    .option('--since <time>', 'only predictions logged at or after this time (ISO 8601)')
    .option('--json', 'print the result as JSON')
    .action(async (spec: string, opts: ExportOptions) => {
      const home = program.opts().home as string;
      const count = Number(opts.count);
      if (!Number.isInteger(count) || count < 1) throw new DeeplineError('DL_USAGE', `--count must be a whole number >= 1, but got ${opts.count}`);
      const [{ LABEL_ORDERS, selectForLabelling }, { writeLabelFile }, { readPredictionLog }, { inputsFolder }, { exportImageInputs }] = await Promise.all([
        import('../monitor/labelling/select-for-labelling.ts'),
        import('../monitor/labelling/label-files.ts'),
        import('../monitor/prediction-log/prediction-log-reader.ts'),
        import('../monitor/prediction-log/input-store.ts'),
        import('../monitor/labelling/image-label-files.ts'),
      ]);
      if (!(LABEL_ORDERS as readonly string[]).includes(opts.by)) throw new DeeplineError('DL_USAGE', `--by must be one of ${LABEL_ORDERS.join(', ')}, but got ${opts.by}`);
      const model = await modelOf(spec, home, opts.name, storeOptions(program));
      const reference = JSON.parse(readFileSync(join(model.dir, 'monitor-reference.json'), 'utf8'));
      const logDir = resolve(opts.log ?? join(home, 'predictions'));
      const records = [];
      for await (const r of readPredictionLog(logDir, { model: model.name, ...(opts.since && { since: opts.since }), onWarning: () => undefined })) records.push(r);
      const out = resolve(opts.out);
      let picked = selectForLabelling(records, reference, opts.by as (typeof LABEL_ORDERS)[number], count);
      let missing = 0;
      if (model.kind === 'image') {
        // The most worth labelling among the inputs still kept: a record whose image is gone makes way for the next.
        const ranked = selectForLabelling(records, reference, opts.by as (typeof LABEL_ORDERS)[number], records.length);
        const exported = await exportImageInputs(ranked, inputsFolder(logDir, model.name), out, model.grid, count);
        picked = exported.records;
        missing = exported.missing;
      }
      const written = await writeLabelFile(out, picked);
      const result = { model: model.name, file: out, rows: written.rows, logged: records.length, by: opts.by, ...(model.kind === 'image' && { imagesMissing: missing }) };
      if (opts.json) return printJson(result);
      const gone = missing > 0 ? `; ${missing} logged images are no longer kept (or were served with --no-log-inputs) and were skipped` : '';
      process.stdout.write(`wrote ${written.rows} of ${records.length} logged inputs of ${model.name} to ${out} (by ${opts.by})${model.kind === 'image' ? `, images in ${join(out, '..', 'images')}` : ''}${gone}; fill in the label column, then: deepline label import ${out} --model ${spec}\n`);
    });
  label
    .command('import')
    .description('add a filled-in label file as a new data version of the model, linked to the predictions it came from')
    .argument('<file>', 'a file written by deepline label export, with labels filled in')
    .requiredOption('--model <model>', 'the model the labels are for (output folder, run id or registry name)')
    .option('--name <name>', 'the name the model was served under')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, opts: ImportOptions) => {
      const home = program.opts().home as string;
      const { readLabelFile, keepLabelBatch } = await import('../monitor/labelling/label-files.ts');
      const model = await modelOf(opts.model, home, opts.name, storeOptions(program));
      const labelled = await readLabelFile(resolve(file));
      let batch;
      if (model.kind === 'image') {
        const { pixelRowsFromImages } = await import('../monitor/labelling/image-label-files.ts');
        const { columns, target } = await pixelColumnsOf(model, home, storeOptions(program));
        const rows = await pixelRowsFromImages(labelled.rows, resolve(file), model.grid, columns);
        batch = await keepLabelBatch(join(home, 'labels', model.name), model.name, columns, target, { rows, unlabelled: labelled.unlabelled }, resolve(file));
      } else {
        batch = await keepLabelBatch(join(home, 'labels', model.name), model.name, model.columns, model.target, labelled, resolve(file));
      }
      if (opts.json) return printJson(batch);
      process.stdout.write(`${batch.rows} labelled rows of ${model.name} kept as data version ${batch.dataVersion.slice(0, 12)} (${batch.file}); ${batch.unlabelled} rows had no label\n`);
    });
}
