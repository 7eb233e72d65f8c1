// Builds `deepline ui`'s single-page app (web/) into dist/web/: one content-hashed script and
// stylesheet under assets/, and an index.html naming them. No CDN: everything the page needs is in
// those files, so the dashboard works offline. `npm run build` and `prepare` run it after tsc;
// the browser tests call buildUi() into a folder of their own.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Bundles web/main.tsx with esbuild (Preact JSX, ECharts' modular build) and writes the app to
 * `outDir` (default dist/web/), replacing what was there. Returns the files written, relative to
 * `outDir`, and the size of all script in bytes.
 */
export async function buildUi({ outDir = join(ROOT, 'dist', 'web'), minify = true } = {}) {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { app: join(ROOT, 'web', 'main.tsx') },
    bundle: true,
    format: 'esm',
    // ECharts is a chunk of its own, loaded with the first chart: the runs table paints without it.
    splitting: true,
    chunkNames: 'chunk-[hash]',
    platform: 'browser',
    target: ['es2022'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify,
    sourcemap: false,
    legalComments: 'none',
    metafile: true,
    write: false,
    outdir: join(outDir, 'assets'),
    entryNames: '[name]-[hash]',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  await rm(outDir, { recursive: true, force: true });
  await mkdir(join(outDir, 'assets'), { recursive: true });
  const written = [];
  let style;
  let scriptBytes = 0;
  for (const file of result.outputFiles) {
    await mkdir(dirname(file.path), { recursive: true });
    await writeFile(file.path, file.contents);
    const rel = relative(outDir, file.path).split('\\').join('/');
    written.push(rel);
    if (rel.endsWith('.js')) scriptBytes += file.contents.length;
    else if (rel.endsWith('.css')) style = rel;
  }
  // The entry script (the chunks are imported by it).
  const entry = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint !== undefined && o.entryPoint.endsWith('main.tsx'));
  const script = entry && relative(outDir, join(ROOT, entry[0])).split('\\').join('/');
  if (!script) throw new Error('build-ui: esbuild wrote no script');
  // The chunks the entry imports statically, preloaded beside it rather than found after it runs.
  const preload = entry[1].imports.filter((i) => i.kind === 'import-statement').map((i) => relative(outDir, join(ROOT, i.path)).split('\\').join('/'));
  await writeFile(join(outDir, 'index.html'), indexHtml(script, style, preload));
  written.push('index.html');
  return { outDir, files: written.sort(), scriptBytes };
}

function indexHtml(script, style, preload) {
  // An inline SVG favicon, so the browser asks the server for no /favicon.ico.
  const icon = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#2563eb"/><path d="M3 11l3-4 3 3 4-6" stroke="#fff" stroke-width="1.8" fill="none"/></svg>')}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>deepline ui</title>
<link rel="icon" href="${icon}">
${style ? `<link rel="stylesheet" href="/${style}">\n` : ''}${preload.map((p) => `<link rel="modulepreload" href="/${p}">\n`).join('')}<script type="module" src="/${script}"></script>
</head>
<body>
<div id="app"><p class="boot">Loading deepline ui…</p></div>
<noscript>deepline ui needs JavaScript; the run reports (report.html) do not.</noscript>
</body>
</html>
`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  const { outDir, files, scriptBytes } = await buildUi();
  process.stdout.write(`built deepline ui into ${relative(process.cwd(), outDir) || outDir}: ${files.filter((f) => f !== 'index.html').map((f) => basename(f)).join(', ')} (${Math.round(scriptBytes / 1024)} KB of script) in ${Date.now() - started} ms\n`);
}

