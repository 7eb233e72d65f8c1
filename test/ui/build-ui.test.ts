import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { buildUi } from '../../scripts/build-ui.mjs';
import { tempDir } from '../e2e/cli-helpers.ts';

it('builds the dashboard into content-hashed files that index.html names, with nothing from another host', async () => {
  const outDir = join(tempDir('deepline-ui-build-'), 'web');
  const { files, scriptBytes } = await buildUi({ outDir });
  const html = readFileSync(join(outDir, 'index.html'), 'utf8');
  const named = [...html.matchAll(/(?:href|src)="\/(assets\/[^"]+)"/g)].map((m) => m[1]!);
  const entry = /<script type="module" src="\/(assets\/app-[A-Z0-9]{8}\.js)"><\/script>/.exec(html)?.[1];
  assert.ok(entry, 'one module script, content-hashed');
  assert.match(html, /<link rel="stylesheet" href="\/assets\/app-[A-Z0-9]{8}\.css">/);
  for (const file of named) assert.ok(files.includes(file) && existsSync(join(outDir, file)), `${file} was written`);
  // No CDN, no web font, no analytics: every URL in the page and its scripts is its own.
  for (const file of files) {
    const text = readFileSync(join(outDir, file), 'utf8');
    assert.doesNotMatch(text, /(?:src|href)\s*=\s*["']?https?:\/\/|import\s*\(?\s*["']https?:\/\/|url\(\s*["']?https?:\/\//i, file);
  }
  // ECharts is in a chunk of its own: the entry that paints the runs table is small.
  const entryBytes = readFileSync(join(outDir, entry)).length;
  assert.ok(entryBytes < 150 * 1024, `entry script ${entryBytes} bytes`);
  assert.ok(scriptBytes > 4 * entryBytes, 'the charts load apart from the entry');
  assert.match(readFileSync(join(outDir, entry), 'utf8'), /import\("\.\/chunk-[A-Z0-9]{8}\.js"\)/, 'the entry imports the chart chunk on demand');
  // The same sources give the same file names: the hashes name the content.
  const again = await buildUi({ outDir: join(tempDir('deepline-ui-build-'), 'web') });
  assert.deepEqual(again.files, files);
});
