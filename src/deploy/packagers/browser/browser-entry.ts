// The entry point of deepline-model.js, the ES module of a browser bundle (`deepline package
// --target browser`): esbuild bundles it with TF.js and deepline's own transform code, so a page
// encodes instances with the very code `deepline serve` runs.
export { loadModel, type BrowserModel } from './load-browser-model.ts';
export { mountPage, startPage } from './browser-page.ts';
export type { ImageGrid, Prediction } from '../../../data/transform/instance-codec.ts';
export type { TableTransform } from '../../../data/transform/table-transform.ts';
