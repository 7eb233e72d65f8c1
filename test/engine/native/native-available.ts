import { loadNativeAddon } from '../../../src/engine/native/native-addon.ts';

/** `skip` for node:test: false when the addon loads, else the reason and how to build it. */
export const skipWithoutNative: string | false = loadNativeAddon().addon
  ? false
  : `native addon unavailable (${loadNativeAddon().reason}); install libdnnl-dev and run npm run build:native`;
