/** Bundles web/ into `outDir` (default dist/web/): assets/app-<hash>.js, assets/app-<hash>.css, index.html. */
export function buildUi(options?: { outDir?: string; minify?: boolean }): Promise<{ outDir: string; files: string[]; scriptBytes: number }>;
