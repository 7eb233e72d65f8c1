import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CompressionSummary } from '../../src/evaluate/compression-summary.ts';
import { chartTitled } from '../render/charts/svg-chart-reader.ts';
import { deepline, ROOT, tempDir } from './cli-helpers.ts';

describe('compression', { timeout: 300_000 }, () => {
  const dir = tempDir('deepline-compress-');
  copyFileSync(join(ROOT, 'examples/data/digits.csv'), join(dir, 'digits.csv'));
  const task = (name: string, compress: string): string => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(
      file,
      `name: ${name}\ntask: image-classification\ndata: { path: ./digits.csv, target: digit, image: { width: 8, height: 8, channels: 1 } }\nsearch: { enabled: false }\nbudget: { epochs: 4 }\ncompress: ${compress}\noutput: ./out-${name}\n`,
    );
    return file;
  };

  it('publishes the pruned int8 variant as model/ and model.onnx, the float model beside it, and reports every variant', () => {
    const home = tempDir();
    const r = deepline(['run', task('digits-c', '{ prune: 0.5, quantize: int8, fineTuneEpochs: 1 }'), '--json'], { home, cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const out = join(dir, 'out-digits-c');
    const summary = JSON.parse(readFileSync(join(out, 'compression.json'), 'utf8')) as CompressionSummary;
    assert.deepEqual(
      summary.variants.map((v) => v.name),
      ['float32', 'int8', 'channel-50%', 'channel-50%+int8'],
    );
    assert.equal(summary.chosen, 'channel-50%+int8');
    const chosen = summary.variants.find((v) => v.name === summary.chosen)!;
    const float = summary.variants.find((v) => v.name === 'float32')!;
    const artifact = (v: typeof chosen, format: string) => v.artifacts.find((a) => a.format === format)!;
    // What serve and package read is the chosen variant's saved file, measured as it is.
    assert.equal(statSync(join(out, 'model.onnx')).size, artifact(chosen, 'onnx').bytes);
    // The float model is published as trained (the export step's file); the compressed variants are saved
    // with batch norm folded into the layer before it.
    const exported = JSON.parse(readFileSync(join(out, 'export-onnx.json'), 'utf8')) as { bytes: number };
    assert.equal(statSync(join(out, 'model-float.onnx')).size, exported.bytes);
    assert.ok(artifact(chosen, 'onnx').bytes < 0.3 * artifact(float, 'onnx').bytes);
    assert.ok(chosen.params < float.params / 2);
    const manifest = JSON.parse(readFileSync(join(out, 'model/model.json'), 'utf8')) as { weightsManifest: { weights: { quantization?: { dtype: string } }[] }[] };
    assert.ok(manifest.weightsManifest[0]!.weights.some((w) => w.quantization?.dtype === 'uint8'), 'model/ holds 8-bit kernels');
    assert.ok(existsSync(join(out, 'model-float/model.json')));
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    assert.match(html, /<h2>Compression<\/h2>/);
    assert.match(html, /<tr class="chosen"><td>channel-50%\+int8 ★<\/td>/);
    // One point per variant as onnx, the published one in a series of its own.
    const plot = chartTitled(html, `onnx size against ${summary.metric.name}`);
    const published = [...plot.legend].find(([, name]) => name === 'published')?.[0];
    assert.equal(published === undefined ? 0 : plot.symbols(published), 1);
    assert.equal([...plot.legend.keys()].reduce((n, i) => n + plot.symbols(i), 0), summary.variants.filter((v) => v.artifacts.some((a) => a.format === 'onnx')).length);
    const { runId } = JSON.parse(r.stdout) as { runId: string };
    const show = deepline(['show', runId.slice(0, 17)], { home, cwd: dir });
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /compression: channel-50%\+int8 as onnx, [\d.]+ KB, accuracy 0\.\d+/);
  });
});
