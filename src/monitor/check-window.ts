import type { Registry } from '../extensions/registry.ts';
import { detectDrift, type DriftCheck, type DriftCheckOptions } from './drift/detect-drift.ts';
import type { DriftDetector, DriftSample } from './drift/drift-detector.ts';
import { referenceSamples, type MonitorReference } from './reference/monitor-reference.ts';
import { windowSamples, type WindowRecord } from './reference/window-samples.ts';

export interface WindowCheck {
  readonly check: DriftCheck;
  readonly reference: Record<string, DriftSample>;
  readonly window: Record<string, DriftSample>;
  /** Reference features the window had no values for (not tested). */
  readonly untested: readonly string[];
}

/**
 * Compares a window of logged predictions with a run's monitoring reference: every feature the
 * window has values for is tested with its kind's detector, and the p-values are corrected
 * together. Features the window lacks are listed, not failed: a log without embeddings still
 * gets its columns and predictions checked.
 */
export function checkWindow(reference: MonitorReference, records: readonly WindowRecord[], detectors: Registry<DriftDetector>, options: DriftCheckOptions = {}): WindowCheck {
  const all = referenceSamples(reference);
  const { samples: window, missing } = windowSamples(reference, records);
  const tested = Object.fromEntries(Object.entries(all).filter(([name]) => window[name] !== undefined));
  return { check: detectDrift(tested, window, detectors, options), reference: tested, window, untested: missing };
}
