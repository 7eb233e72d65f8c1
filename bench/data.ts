/**
 * Data-stage profiling speed and memory against the targets of the data-preparation issue, side by side:
 *
 *   node --import tsx bench/data.ts [--rows 1000000] [--keep]
 *
 * 1. The 70,000 Fashion-MNIST images (/usr/share/datasets/fashion-mnist, IDX; skipped with a
 *    message when absent): read with the IDX reader, train and t10k together, then profileImages
 *    (statistics, histograms, duplicates, example strips as PNG). Target: profile < 30 s.
 * 2. A generated CSV of --rows rows × 20 columns (14 numeric with some missing values, 5
 *    categorical from 3 to 2,000 values, a 3-class target), written to a temp file, then read
 *    with readTable and profiled with profileTable in a child process of its own, so its peak
 *    RSS (process.resourceUsage().maxRSS) is that of the read and profile alone. Target: < 1 GB.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { concatDatasets } from '../src/data/dataset.ts';
import { profileImages } from '../src/data/profile/profile-images.ts';
import { profileTable } from '../src/data/profile/profile-table.ts';
import { idxReader } from '../src/data/readers/idx-reader.ts';
import { readTable } from '../src/data/readers/read-table.ts';
import { createSeededRandom } from '../src/seed/seeded-random.ts';

const FASHION = '/usr/share/datasets/fashion-mnist';
const IMAGE_TARGET_S = 30;
const RSS_TARGET_MB = 1024;
const CHILD_FLAG = '--profile-csv';

interface CsvFigures {
  rows: number;
  columns: number;
  readS: number;
  profileS: number;
  /** process.resourceUsage().maxRSS. */
  maxRssMb: number;
  /** VmHWM from /proc/self/status (Linux): the peak of this process's own memory map alone. */
  hwmMb?: number;
  duplicates: number;
}

if (process.argv.includes(CHILD_FLAG)) {
  // Child: read and profile the CSV, report figures as one JSON line.
  const file = process.argv[process.argv.indexOf(CHILD_FLAG) + 1];
  const t0 = performance.now();
  const { table } = await readTable({ path: file, format: 'csv', target: 'label' });
  const t1 = performance.now();
  const profile = profileTable(table);
  const t2 = performance.now();
  const figures: CsvFigures = {
    rows: profile.rows,
    columns: profile.columns.length,
    readS: (t1 - t0) / 1000,
    profileS: (t2 - t1) / 1000,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    hwmMb: highWaterMark(),
    duplicates: profile.duplicates.rows,
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
} else {
  await main();
}

async function main(): Promise<void> {
  const rowsArg = process.argv.indexOf('--rows');
  const rows = rowsArg > 0 ? Number(process.argv[rowsArg + 1]) : 1_000_000;
  const keep = process.argv.includes('--keep');
  const lines: [string, string, string, string][] = [];

  // The CSV child runs first, while this process is small: Linux carries a parent's peak RSS
  // over fork into the child's maxRSS.
  const dir = mkdtempSync(join(tmpdir(), 'deepline-bench-data-'));
  const file = join(dir, 'generated.csv');
  try {
    const g0 = performance.now();
    await writeCsv(file, rows);
    const mb = statSync(file).size / 2 ** 20;
    process.stderr.write(`generated ${file}: ${rows.toLocaleString('en-US')} rows x 20 columns, ${mb.toFixed(0)} MB in ${((performance.now() - g0) / 1000).toFixed(1)} s\n`);
    const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), CHILD_FLAG, file], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (child.status !== 0) throw new Error(`the profiling child failed (${child.status}):\n${child.stderr}`);
    const f = JSON.parse(child.stdout.trim().split('\n').pop()!) as CsvFigures;
    const label = `CSV ${f.rows.toLocaleString('en-US')} rows x ${f.columns} columns (${mb.toFixed(0)} MB)`;
    lines.push([label, `read ${f.readS.toFixed(1)} s + profile ${f.profileS.toFixed(1)} s = ${(f.readS + f.profileS).toFixed(1)} s`, '', '']);
    const peak = f.hwmMb ?? f.maxRssMb;
    const how = f.hwmMb === undefined ? 'maxRSS' : `VmHWM; maxRSS ${f.maxRssMb.toFixed(0)} MB`;
    lines.push(['', `peak RSS ${peak.toFixed(0)} MB (${how})`, `< ${RSS_TARGET_MB} MB`, peak < RSS_TARGET_MB ? 'met' : 'MISSED']);
  } finally {
    if (keep) process.stderr.write(`kept ${file}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
  if (existsSync(FASHION)) {
    const t0 = performance.now();
    const read = await idxReader.read({ path: FASHION, format: 'idx', taskKind: 'classification' });
    const dataset = read.test ? concatDatasets(read.dataset, read.test) : read.dataset;
    const t1 = performance.now();
    const profile = await profileImages(dataset, { seed: 1 });
    const seconds = (performance.now() - t1) / 1000;
    lines.unshift([
      `Fashion-MNIST ${profile.count.toLocaleString('en-US')} images ${profile.width}x${profile.height}`,
      `profile ${seconds.toFixed(1)} s (read ${((t1 - t0) / 1000).toFixed(1)} s)`,
      `< ${IMAGE_TARGET_S} s`,
      seconds < IMAGE_TARGET_S ? 'met' : 'MISSED',
    ]);
  } else {
    lines.unshift(['Fashion-MNIST', `skipped: ${FASHION} is absent (apt-get install dataset-fashion-mnist)`, `< ${IMAGE_TARGET_S} s`, '-']);
  }

  print(['benchmark', 'figure', 'target', ''], lines);
}

/** The process's peak resident memory in MB from /proc (Linux), undefined elsewhere. */
function highWaterMark(): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}


/**
 * 14 numeric columns (normal, log-normal, uniform, integer counts; 2% missing in six of them),
 * 5 categorical (3, 12, 50, 400 and 2,000 values), and a 3-class label that depends on two of them.
 */
async function writeCsv(file: string, rows: number): Promise<void> {
  const random = createSeededRandom(7);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
  const cards = [3, 12, 50, 400, 2000];
  const header = [...Array.from({ length: 14 }, (_, j) => `num${j}`), ...cards.map((_, j) => `cat${j}`), 'label'];
  const out = createWriteStream(file);
  const write = (text: string): Promise<void> => new Promise((resolve) => (out.write(text) ? resolve() : out.once('drain', resolve)));
  await write(`${header.join(',')}\n`);
  let chunk: string[] = [];
  for (let i = 0; i < rows; i++) {
    const cells: string[] = [];
    let signal = 0;
    for (let j = 0; j < 14; j++) {
      let v: number;
      if (j % 4 === 0) v = gauss() * 10 + j;
      else if (j % 4 === 1) v = Math.exp(gauss());
      else if (j % 4 === 2) v = random.next() * 1000;
      else v = random.int(50);
      if (j < 2) signal += v / (j === 0 ? 10 : 1);
      cells.push(j % 4 !== 3 && j < 8 && random.next() < 0.02 ? '' : j % 4 === 3 ? String(v) : v.toFixed(3));
    }
    for (const k of cards) cells.push(`c${random.int(k)}`);
    cells.push(signal + gauss() < 0 ? 'low' : signal < 2 ? 'mid' : 'high');
    chunk.push(cells.join(','));
    if (chunk.length === 10_000) {
      await write(`${chunk.join('\n')}\n`);
      chunk = [];
    }
  }
  if (chunk.length > 0) await write(`${chunk.join('\n')}\n`);
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

function print(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  process.stdout.write(`${[line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')}\n`);
}
