/**
 * What `deepline package` wrote: the folder, what is in it, and how to start it. The CLI prints
 * `files` and `start`; tests read `files` to check the bundle is complete.
 */
export interface PackageResult {
  readonly target: string;
  readonly dir: string;
  /** Paths relative to `dir`, sorted. */
  readonly files: readonly string[];
  readonly bytes: number;
  /** How to run the bundle, one shell line per step (`npm ci`, `npm start`). */
  readonly start: readonly string[];
}

export interface PackageOptions {
  /** The run's output folder: model/, model.onnx, transform.json, metrics.json, run.json. */
  readonly runDir: string;
  /** Where the bundle is written; created, and must be empty or absent. */
  readonly outDir: string;
  /** The name the model is served or shown under (default: the run's name). */
  readonly name?: string;
}

/**
 * One deployment target of `deepline package --target <name>`: turns a run's output folder into
 * a folder that runs elsewhere, with the code deepline writes so its users do not. Registered in
 * the run context (`registries.packagers`); costly modules (esbuild, TF.js) are imported by
 * `write`, never at registration.
 */
export interface Packager {
  readonly name: string;
  readonly description: string;
  write(options: PackageOptions): Promise<PackageResult>;
}
