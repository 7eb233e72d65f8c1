// Runs in the browser (bundled into deepline-model.js), never in deepline's Node process, so it
// sets its own TF.js backend: engine/ chooses deepline's backends, not a page's.
import { ready, setBackend, tensor, tidy, type Tensor } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadLayersModel } from '@tensorflow/tfjs-layers';
import { config as zodConfig } from 'zod';
import { DeeplineError } from '../../../errors/deepline-error.ts';
import { createInstanceCodec, type ImageGrid, type Prediction } from '../../../data/transform/instance-codec.ts';
import type { TableTransform } from '../../../data/transform/table-transform.ts';
import { canvasImageDecoder } from './canvas-image-decoder.ts';
import { browser } from './dom.ts';

/** A run's model, loaded in the page: raw instances in, predictions out, as from `deepline serve`. */
export interface BrowserModel {
  readonly name: string;
  readonly task: string;
  /** One example's shape, as the model takes it. */
  readonly inputShape: readonly number[];
  readonly classes?: readonly string[];
  /** What one instance looks like. */
  readonly instanceHint: string;
  /** The image grid of an image model (height, width, channels, training scale). */
  readonly image?: ImageGrid;
  /** The columns of a table or text model, with their categories. */
  readonly table?: TableTransform;
  /**
   * Predicts a batch. An instance takes the server's JSON forms — `{ pixels: [...] }` or
   * `{ image }` for image models (`image`: an ImageData, ImageBitmap, <img>, <canvas>, Blob, File
   * or URL), an object of column values for tables, `{ features: [...] }` otherwise. A bad
   * instance rejects with a DeeplineError naming it and the field.
   */
  predict(instances: readonly unknown[]): Promise<Prediction[]>;
  /** Frees the model's weights. */
  dispose(): void;
}

/**
 * Loads the bundle at `baseUrl` (the folder holding model/, transform.json and metrics.json;
 * default: the folder this module was loaded from; a relative URL is taken from the page's).
 */
export async function loadModel(baseUrl?: string | URL): Promise<BrowserModel> {
  const base = bundleUrl(baseUrl);
  const [transform, metrics, run] = await Promise.all([
    fetchJson(new URL('transform.json', base)),
    fetchJson(new URL('metrics.json', base)) as Promise<{ classes?: string[] }>,
    fetchJson(new URL('run.json', base)).catch(() => ({})) as Promise<{ name?: string; task?: string }>,
  ]);
  // zod would otherwise probe `new Function`, which the page's Content-Security-Policy forbids
  // (and the browser reports); its checks are the same without it.
  zodConfig({ jitless: true });
  const codec = createInstanceCodec(transform, metrics.classes, canvasImageDecoder);
  // The CPU backend runs in every browser, headless ones included; the models deepline trains
  // for a page are small enough for it.
  await setBackend('cpu');
  await ready();
  const model = await loadLayersModel(new URL('model/model.json', base).href);
  const size = codec.inputShape.reduce((a, b) => a * b, 1);
  return {
    name: run.name ?? 'model',
    task: run.task ?? 'unknown',
    inputShape: codec.inputShape,
    ...(metrics.classes && { classes: metrics.classes }),
    instanceHint: codec.instanceHint,
    ...(codec.image && { image: codec.image }),
    ...(codec.table && { table: codec.table }),
    async predict(instances) {
      if (!Array.isArray(instances)) throw new DeeplineError('DL_DATA_VALUE', 'predict takes an array of instances', { hint: `predict([${codec.instanceHint}])` });
      if (instances.length === 0) return [];
      const encoded = await Promise.all(instances.map((instance, k) => codec.encode(instance).catch((e: unknown) => Promise.reject(naming(e, k)))));
      const x = new Float32Array(encoded.length * size);
      encoded.forEach((features, k) => x.set(features, k * size));
      const y = tidy(() => model.predict(tensor(x, [encoded.length, ...codec.inputShape])) as Tensor);
      try {
        const values = (await y.data()) as Float32Array;
        return codec.decode(values, values.length / encoded.length);
      } finally {
        y.dispose();
      }
    },
    dispose: () => model.dispose(),
  };
}

function bundleUrl(baseUrl: string | URL | undefined): URL {
  if (baseUrl === undefined) return new URL('./', import.meta.url);
  const url = new URL(baseUrl, browser.location?.href ?? import.meta.url);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

async function fetchJson(url: URL): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new DeeplineError('DL_DATA_MISSING', `cannot fetch ${url.href} (${(e as Error).message})`, { hint: 'serve the bundle folder over HTTP (python3 -m http.server); pages opened from file:// cannot fetch' });
  }
  if (!response.ok) throw new DeeplineError('DL_DATA_MISSING', `fetching ${url.href} answered ${response.status}`, { hint: 'pass loadModel the URL of the bundle folder (the one holding model/ and transform.json)' });
  return response.json();
}

/** A bad instance's error, saying which instance of the batch it was. */
function naming(e: unknown, k: number): unknown {
  if (!(e instanceof DeeplineError)) return e;
  return new DeeplineError(e.code, `instance ${k}: ${e.message}`, { ...(e.hint !== undefined && { hint: e.hint }), ...(e.location && { location: e.location }), cause: e });
}
