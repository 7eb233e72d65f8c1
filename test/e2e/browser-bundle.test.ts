import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { browserPackager } from '../../src/deploy/packagers/browser-packager.ts';
import { createSeededRandom } from '../../src/seed/seeded-random.ts';
import { loadServedModel, type Prediction, type ServedModel } from '../../src/serve/served-model.ts';
import { deepline, ROOT, tempDir } from './cli-helpers.ts';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it). */
const CHROMIUM = '/usr/bin/chromium';
const SKIP = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}: the browser bundle was not opened (apt-get install chromium; .ci/run installs it)`;
const HELD_OUT = 20;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
  '.png': 'image/png',
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** A static file server for `root` on 127.0.0.1, as `python3 -m http.server` would be. */
async function serveStatic(root: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(root + sep) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { server, origin: `http://127.0.0.1:${port}` };
}

/** Trains a small run on `rows` of a CSV (the header kept) and returns its output folder. */
function train(dir: string, name: string, csv: string, rows: string[], yaml: string): string {
  writeFileSync(join(dir, `${name}.csv`), `${csv}\n${rows.join('\n')}\n`);
  writeFileSync(join(dir, `${name}.yaml`), `name: ${name}\n${yaml}\nsearch: { enabled: false }\nseed: 7\noutput: ./out-${name}\n`);
  const r = deepline(['run', join(dir, `${name}.yaml`)], { home: join(dir, 'home'), cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  return join(dir, `out-${name}`);
}

/** The server's answers (ONNX Runtime, in process) for raw instances. */
async function serverPredict(model: ServedModel, instances: unknown[]): Promise<Prediction[]> {
  return model.predict(await Promise.all(instances.map((i) => model.encode(i))));
}

type BundleModule = typeof import('../../src/deploy/packagers/browser/browser-entry.ts');

/** The page's answers, through the bundle's module (loaded by its URL) in the browser. */
function pagePredict(page: Page, instances: unknown[]): Promise<Prediction[]> {
  return page.evaluate(
    async ({ moduleUrl, given }) => {
      const { loadModel } = (await import(moduleUrl)) as BundleModule;
      const model = await loadModel();
      try {
        return await model.predict(given);
      } finally {
        model.dispose();
      }
    },
    { moduleUrl: new URL('deepline-model.js', page.url()).href, given: instances },
  );
}

const labels = (ps: Prediction[]): string[] => ps.map((p) => ('label' in p ? p.label : String(p.value)));

function maxProbabilityDiff(a: Prediction[], b: Prediction[]): number {
  let max = 0;
  a.forEach((p, i) => {
    const q = b[i]!;
    if (!('probabilities' in p) || !('probabilities' in q)) return;
    for (const [name, v] of Object.entries(p.probabilities)) max = Math.max(max, Math.abs(v - q.probabilities[name]!));
  });
  return max;
}

/** Remote URLs in positions that would load something: imports, src/href, CSS url(), fetch. */
const REMOTE_LOAD = [
  /\b(?:from|import)\s*\(?\s*["'`](?:https?:)?\/\//,
  /\b(?:src|href|action)\s*=\s*["']?(?:https?:)?\/\//i,
  /url\(\s*["']?(?:https?:)?\/\//i,
  /\bfetch\(\s*["'`](?:https?:)?\/\//,
  /cdn\.|unpkg\.com|jsdelivr|googleapis\.com|cdnjs/i,
];

describe('deepline package --target browser', { timeout: 600_000, skip: SKIP }, () => {
  const dir = tempDir('deepline-browser-bundle-');
  const web = join(dir, 'web');
  let browser: Browser;
  let origin: string;
  let server: Server;

  before(async () => {
    ({ server, origin } = await serveStatic(web));
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => {
    await browser?.close();
    server?.close();
  });

  /** Opens a bundle's page; every request must stay on the local server, and nothing may log an error. */
  async function open(folder: string): Promise<{ page: Page; problems: string[]; remote: string[] }> {
    const page = await browser.newPage();
    const problems: string[] = [];
    const remote: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`) || url.startsWith('blob:') || url.startsWith('data:')) return route.continue();
      remote.push(url);
      return route.abort();
    });
    await page.goto(`${origin}/${folder}/`);
    await page.waitForSelector('#app[data-state="ready"], #app[data-state="error"]', { timeout: 60_000 });
    assert.equal(await page.getAttribute('#app', 'data-state'), 'ready', await page.textContent('#app') ?? '');
    return { page, problems, remote };
  }

  function checkStatic(folder: string): void {
    const html = readFileSync(join(web, folder, 'index.html'), 'utf8');
    assert.doesNotMatch(html, /https?:\/\//, 'index.html names no remote URL');
    const js = readFileSync(join(web, folder, 'deepline-model.js'), 'utf8');
    for (const pattern of REMOTE_LOAD) assert.doesNotMatch(js, pattern, 'deepline-model.js loads nothing from another host');
  }

  it('predicts the same classes as the server for 20 held-out images, and its page labels a chosen file', async (t) => {
    const [header, ...rows] = readFileSync(join(ROOT, 'examples/data/digits.csv'), 'utf8').trim().split(/\r?\n/);
    // Every 40th row is held out of the run entirely: the test images.
    const heldOut = rows.filter((_, i) => i % 40 === 0).slice(0, HELD_OUT);
    const runDir = train(dir, 'digits', header!, rows.filter((_, i) => i % 40 !== 0), 'task: image-classification\ndata: { path: ./digits.csv, target: digit, image: { width: 8, height: 8, channels: 1 } }\nbudget: { epochs: 15 }');
    const started = Date.now();
    const result = await browserPackager.write({ runDir, outDir: join(web, 'digits') });
    t.diagnostic(`packaged in ${Date.now() - started} ms: ${result.files.join(', ')} (${result.bytes} bytes)`);
    for (const file of ['index.html', 'deepline-model.js', 'model/model.json', 'transform.json', 'metrics.json', 'README.md']) assert.ok(result.files.includes(file), `${file} in ${result.files.join(', ')}`);
    assert.equal(result.target, 'browser');
    checkStatic('digits');
    await assert.rejects(browserPackager.write({ runDir, outDir: join(web, 'digits') }), /is not empty/);

    const pixels = heldOut.map((row) => row.split(',').slice(0, 64).map(Number));
    // The same images as 8x8 grey PNGs, on the model's grid, so no resampling separates the two paths.
    const pngs = await Promise.all(pixels.map((p) => sharp(Buffer.from(p.map((v) => Math.round((v * 255) / 16))), { raw: { width: 8, height: 8, channels: 1 } }).png().toBuffer()));
    pngs.forEach((png, i) => writeFileSync(join(web, `digit-${i}.png`), png));

    const served = await loadServedModel(runDir);
    t.after(() => served.close());
    const fromServer = await serverPredict(served, pixels.map((p) => ({ pixels: p })));
    const imagesFromServer = await serverPredict(served, pngs.map((png) => ({ image: png.toString('base64') })));

    const { page, problems, remote } = await open('digits');
    const fromPage = await pagePredict(page, pixels.map((p) => ({ pixels: p })));
    assert.deepEqual(labels(fromPage), labels(fromServer));
    assert.ok(maxProbabilityDiff(fromPage, fromServer) < 1e-4, `probabilities differ by ${maxProbabilityDiff(fromPage, fromServer)}`);
    const imagesFromPage = await pagePredict(page, pngs.map((_, i) => ({ image: `../digit-${i}.png` })));
    assert.deepEqual(labels(imagesFromPage), labels(imagesFromServer));
    // A trained model, not a constant: the held-out digits are mostly recognised.
    const right = labels(fromServer).filter((l, i) => l === heldOut[i]!.split(',')[64]).length;
    assert.ok(right >= 14, `${right} of ${HELD_OUT} held-out digits right`);

    const bad = await page.evaluate(async (moduleUrl) => {
      const { loadModel } = (await import(moduleUrl)) as BundleModule;
      return (await loadModel()).predict([{ pixels: [1, 2, 3] }]).then(
        () => 'accepted',
        (e: { message: string; code: string }) => `${e.code}: ${e.message}`,
      );
    }, new URL('deepline-model.js', page.url()).href);
    assert.match(bad, /^DL_DATA_VALUE: instance 0: field pixels has 3 values, but the model takes 64 \(8x8x1\)/);

    // The page itself: choose a file, see its label.
    await page.setInputFiles('input[type=file]', { name: 'digit.png', mimeType: 'image/png', buffer: pngs[0]! });
    await page.waitForSelector('.answer[data-state="done"], .answer[data-state="error"]', { timeout: 30_000 });
    assert.equal(await page.getAttribute('.answer', 'data-state'), 'done', (await page.textContent('.answer')) ?? '');
    assert.equal(await page.textContent('.prediction .label'), labels(imagesFromServer)[0]);
    assert.equal(await page.locator('.top li').count(), 5);
    // ... or drop one on the drop zone (a digit the server labels differently, so the answer must change).
    const other = labels(imagesFromServer).findIndex((l) => l !== labels(imagesFromServer)[0]);
    const dropped = await page.evaluateHandle((bytes) => {
      const page = globalThis as unknown as { DataTransfer: new () => { items: { add(file: File): void } } };
      const transfer = new page.DataTransfer();
      transfer.items.add(new File([new Uint8Array(bytes)], 'dropped.png', { type: 'image/png' }));
      return transfer;
    }, [...pngs[other]!]);
    await page.dispatchEvent('.drop', 'drop', { dataTransfer: dropped });
    await page.locator('.prediction .label').filter({ hasText: new RegExp(`^${labels(imagesFromServer)[other]}$`) }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(dir, 'browser-bundle-digits.png'), fullPage: true });
    t.diagnostic(`screenshot: ${join(dir, 'browser-bundle-digits.png')}`);

    assert.deepEqual(problems, []);
    assert.deepEqual(remote, []);
    await page.close();
  });

  it('predicts a table model as the server does, from its form of columns (numbers, categories, booleans, dates)', async (t) => {
    const random = createSeededRandom(3);
    const pick = <T>(options: readonly T[]): T => options[Math.floor(random.next() * options.length)]!;
    const rows = Array.from({ length: 240 }, (_, i) => {
      const size = 1 + 9 * random.next();
      const [colour, fresh] = [pick(['red', 'green', 'blue', 'red']), pick(['true', 'false'])];
      const picked = `2024-${String(1 + Math.floor(random.next() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random.next() * 28)).padStart(2, '0')}`;
      const label = (size > 5) !== (colour === 'red') || (fresh === 'true' && size > 8) ? 'keep' : 'toss';
      // Some sizes are missing, so training imputes them and the form may leave one empty.
      return [i % 17 === 0 ? '' : size.toFixed(2), colour, fresh, picked, label];
    });
    const runDir = train(dir, 'fruit', 'size,colour,fresh,picked,label', rows.map((r) => r.join(',')), 'data: { path: ./fruit.csv, target: label }\nbudget: { epochs: 30 }');
    await browserPackager.write({ runDir, outDir: join(web, 'fruit'), name: 'fruit-sorter' });
    checkStatic('fruit');
    const records = rows.filter((_, i) => i % 12 === 0).map(([size, colour, fresh, picked]) => ({ size: size === '' ? null : size, colour, fresh, picked }));

    const served = await loadServedModel(runDir);
    t.after(() => served.close());
    const fromServer = await serverPredict(served, records);
    const { page, problems, remote } = await open('fruit');
    assert.equal(await page.textContent('h1'), 'fruit-sorter');
    const fromPage = await pagePredict(page, records);
    assert.deepEqual(labels(fromPage), labels(fromServer));
    assert.ok(maxProbabilityDiff(fromPage, fromServer) < 1e-4, `probabilities differ by ${maxProbabilityDiff(fromPage, fromServer)}`);

    // The form: a field per column, the categories training saw as choices; an empty size is missing.
    assert.deepEqual(await page.locator('select[name="colour"] option').allTextContents(), ['(missing)', 'red', 'green', 'blue']);
    await page.fill('[name="size"]', '');
    await page.selectOption('[name="colour"]', 'blue');
    await page.selectOption('[name="fresh"]', 'false');
    await page.fill('[name="picked"]', '2024-07-15');
    await page.click('button[type=submit]');
    await page.waitForSelector('.answer[data-state="done"], .answer[data-state="error"]', { timeout: 30_000 });
    assert.equal(await page.getAttribute('.answer', 'data-state'), 'done', (await page.textContent('.answer')) ?? '');
    const [expected] = await serverPredict(served, [{ size: null, colour: 'blue', fresh: 'false', picked: '2024-07-15' }]);
    assert.equal(await page.textContent('.prediction .label'), labels([expected!])[0]);
    assert.equal(await page.textContent('.prediction .pct'), `${(100 * (expected as { probabilities: Record<string, number> }).probabilities[labels([expected!])[0]!]!).toFixed(1)}%`);
    await page.screenshot({ path: join(dir, 'browser-bundle-fruit.png'), fullPage: true });
    t.diagnostic(`screenshot: ${join(dir, 'browser-bundle-fruit.png')}`);
    assert.deepEqual(problems, []);
    assert.deepEqual(remote, []);
    await page.close();
  });
});
