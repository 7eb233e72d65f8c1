import type sharpModule from 'sharp';

type Sharp = typeof sharpModule;
let loading: Promise<Sharp> | undefined;

/**
 * sharp, imported on first use: it loads libvips, which commands that never decode an image
 * (`deepline --help`, `runs`, a cached run) should not pay for at start-up.
 */
export function loadSharp(): Promise<Sharp> {
  loading ??= import('sharp').then((m) => m.default);
  return loading;
}
