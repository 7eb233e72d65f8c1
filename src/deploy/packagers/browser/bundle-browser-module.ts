import { readdirSync, readFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeeplineError } from '../../../errors/index.ts';

/** What went into the module: its size, and the bytes each package (or deepline) contributed. */
export interface BrowserModuleBuild {
  readonly bytes: number;
  /** Output bytes per source: `deepline`, or a package name (`@tensorflow/tfjs-core`, `zod`). */
  readonly sources: Readonly<Record<string, number>>;
}

const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/**
 * Writes deepline-model.js: the page's ES module (browser-entry.ts) with TF.js (core, layers and
 * the CPU backend) and deepline's transform code, minified, for browsers from 2022 on. The
 * bundled packages' licences go to `<outfile>.LEGAL.txt` beside it. Everything is bundled: the
 * page loads nothing from anywhere but its own folder.
 */
export async function bundleBrowserModule(outfile: string): Promise<BrowserModuleBuild> {
  const { build } = await import('esbuild');
  // This module runs from src/ (tsx) or dist/ (the compiled CLI); the entry sits beside it either way.
  const own = fileURLToPath(import.meta.url);
  const entry = fileURLToPath(new URL(`./browser-entry${own.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));
  const workingDir = dirname(entry);
  let result;
  try {
    result = await build({
      entryPoints: [entry],
      outfile,
      absWorkingDir: workingDir,
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: ['es2022', 'chrome100', 'firefox100', 'safari15'],
      minify: true,
      legalComments: 'linked',
      metafile: true,
      logLevel: 'silent',
      plugins: [
        {
          // deepline's own code in the page must be pure: a Node import there would load in no
          // browser, so it fails the build here, naming the file, instead of the page later.
          name: 'deepline-browser-purity',
          setup(b) {
            b.onResolve({ filter: /^[a-z:_]/ }, (args) => {
              if (!NODE_BUILTINS.has(args.path) || args.importer.includes('node_modules')) return undefined;
              return { errors: [{ text: `${args.importer} imports ${args.path}, a Node module, into the browser bundle: keep that module pure (move the Node part out)` }] };
            });
          },
        },
      ],
    });
  } catch (e) {
    const detail = (e as { errors?: { text: string }[] }).errors?.map((m) => m.text).join('; ') ?? (e as Error).message;
    throw new DeeplineError('DL_INTERNAL', `cannot bundle the browser module: ${detail}`, { hint: 'this is a bug in deepline; please report it with the message above', cause: e });
  }
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined)!;
  const sources: Record<string, number> = {};
  const packages = new Map<string, string>();
  for (const [path, input] of Object.entries(output.inputs)) {
    // `(disabled):…` is a module a package's `browser` field maps to nothing: none of its code is here.
    if (path.includes(':')) continue;
    const match = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(path);
    const source = match?.[2] ?? 'deepline';
    sources[source] = (sources[source] ?? 0) + input.bytesInOutput;
    if (match && input.bytesInOutput > 0) packages.set(match[2]!, resolve(workingDir, match[1]!));
  }
  await appendFile(`${outfile}.LEGAL.txt`, notices(packages));
  return { bytes: output.bytes, sources };
}

/**
 * Each bundled package's name, version and licence, with its LICENSE file where it ships one:
 * esbuild keeps only `@license` comments, which some packages (zod, long) do not write.
 */
function notices(packages: ReadonlyMap<string, string>): string {
  const sections = [...packages].sort(([a], [b]) => a.localeCompare(b)).map(([name, dir]) => {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: string; license?: string };
    const file = readdirSync(dir).find((f) => /^licen[cs]e(\.(md|txt))?$/i.test(f));
    const text = file ? `\n\n${readFileSync(join(dir, file), 'utf8').trim()}` : '';
    return `${name} ${manifest.version ?? ''} (${manifest.license ?? 'see the package'})${text}`;
  });
  return `\n\nBundled packages:\n\n${sections.join('\n\n---\n\n')}\n`;
}
