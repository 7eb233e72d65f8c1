import { cp, copyFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInstanceCodec } from '../../data/transform/instance-codec.ts';
import { bundleBrowserModule } from './browser/bundle-browser-module.ts';
import { browserPageHtml } from './browser/browser-page-html.ts';
import { browserReadme } from './browser/browser-readme.ts';
import { exampleInstance } from './example-instance.ts';
import type { PackageOptions, PackageResult, Packager } from './packager.ts';
import { listFiles, prepareOutDir, readRunFolder } from './run-folder.ts';

/**
 * `deepline package --target browser`: a static folder that predicts in the browser — index.html
 * (a drop zone for an image model, a form of its columns for a table model), deepline-model.js
 * (an ES module: TF.js and deepline's own transform code, bundled by esbuild, so a page encodes
 * an instance exactly as `deepline serve` does), the TF.js model, its transform and metrics, and
 * a README. Any static file server serves it; nothing is fetched from elsewhere.
 */
export const browserPackager: Packager = {
  name: 'browser',
  description: 'a static web page and ES module that predict in the browser (TF.js and the transform bundled, no CDN)',
  async write(options: PackageOptions): Promise<PackageResult> {
    const run = await readRunFolder(options.runDir, ['model/model.json', 'transform.json', 'metrics.json']);
    const name = options.name ?? run.name;
    // The page parses the same files; a transform it could not read fails here, not in a visitor's browser.
    const codec = createInstanceCodec(run.transform, run.metrics.classes);
    await prepareOutDir(options.outDir);

    await cp(join(options.runDir, 'model'), join(options.outDir, 'model'), { recursive: true });
    for (const file of ['transform.json', 'metrics.json']) await copyFile(join(options.runDir, file), join(options.outDir, file));
    await writeFile(join(options.outDir, 'run.json'), `${JSON.stringify({ name, task: run.task, deeplineVersion: run.deeplineVersion }, null, 2)}\n`);
    await bundleBrowserModule(join(options.outDir, 'deepline-model.js'));
    await writeFile(join(options.outDir, 'index.html'), browserPageHtml({ name, task: run.task, deeplineVersion: run.deeplineVersion }));
    const example = exampleInstance(run.transform);
    await writeFile(
      join(options.outDir, 'README.md'),
      browserReadme({ name, task: run.task, inputSize: codec.inputShape.reduce((a, b) => a * b, 1), ...(codec.image && { image: codec.image }), ...(example && { example }) }),
    );

    const files = await listFiles(options.outDir);
    const sizes = await Promise.all(files.map((f) => stat(join(options.outDir, f)).then((s) => s.size)));
    return {
      target: 'browser',
      dir: options.outDir,
      files,
      bytes: sizes.reduce((a, b) => a + b, 0),
      start: ['python3 -m http.server 8000 --bind 127.0.0.1', '# then open http://127.0.0.1:8000/ (or serve the folder with `npx serve .`)'],
    };
  },
};
