import type { AttackEntry } from '../security/attacks/attack.ts';
import { registerBuiltins as registerAttacks } from '../security/attacks/attack-registry.ts';
import type { Augmenter } from '../train/augment/augmenter.ts';
import type { Pruner } from '../compress/pruners/pruner.ts';
import { registerBuiltins as registerPruners } from '../compress/pruners/pruner-registry.ts';
import type { Quantizer } from '../compress/quantizers/quantizer.ts';
import { registerBuiltins as registerTfjsQuantizers } from '../compress/quantizers/quantizer-registry.ts';
import { registerBuiltins as registerOnnxQuantizers } from '../deploy/quantizers/quantizer-registry.ts';
import type { DataReader } from '../data/readers/data-reader.ts';
import { registerBuiltins as registerReaders } from '../data/readers/reader-registry.ts';
import type { Exporter } from '../deploy/exporters/exporter.ts';
import { registerBuiltins as registerExporters } from '../deploy/exporters/exporter-registry.ts';
import type { Packager } from '../deploy/packagers/packager.ts';
import { registerBuiltins as registerPackagers } from '../deploy/packagers/packager-registry.ts';
import { Registry } from '../extensions/registry.ts';
import type { DriftDetector } from '../monitor/drift/drift-detector.ts';
import { registerBuiltins as registerDriftDetectors } from '../monitor/drift/builtin-detectors.ts';
import { FamilyRegistry } from '../models/families/family-registry.ts';
import type { ExecutorEntry } from '../search/executors/executor-entry.ts';
import { registerBuiltins as registerExecutors } from '../search/executors/executor-registry.ts';
import type { SamplerEntry } from '../search/samplers/sampler.ts';
import { registerBuiltins as registerSamplers } from '../search/samplers/sampler-registry.ts';
import type { SchedulerEntry } from '../search/schedulers/scheduler.ts';
import { registerBuiltins as registerSchedulers } from '../search/schedulers/scheduler-registry.ts';
import { registerBuiltins as registerTemplates } from '../templates/template-registry.ts';
import type { Template } from '../templates/template.ts';

/**
 * Every extension point of deepline, one registry each. A plugin's `register(context)` adds to
 * these; the task schema's choices (data formats, samplers, schedulers) are read from them.
 */
export interface Registries {
  /** Task type → the template that builds its pipeline. */
  readonly templates: Registry<Template>;
  /** `data.format` → reader. */
  readonly readers: Registry<DataReader>;
  readonly samplers: Registry<SamplerEntry>;
  readonly schedulers: Registry<SchedulerEntry>;
  /** `appliesTo/name` (`image/flip`) → training-time augmenter; `await augmenters.ready()` before reading. */
  readonly augmenters: Registry<Augmenter>;
  /** (modality, name) → model family with its search space; `await families.ready()` before reading. */
  readonly families: FamilyRegistry;
  /** How trials run: `local` worker processes by default. */
  readonly executors: Registry<ExecutorEntry>;
  /** `export:` names → deployment formats written after training (`onnx`). */
  readonly exporters: Registry<Exporter>;
  /** `deepline package --target` names → bundle writers (`server`, `browser`). */
  readonly packagers: Registry<Packager>;
  /** `compress.prune.method` names → pruning methods (`channel`, `magnitude`). */
  readonly pruners: Registry<Pruner>;
  /** `format/precision` (`tfjs/float16`, `onnx/int8`) → how the compress step saves a model. */
  readonly quantizers: Registry<Quantizer>;
  /** `<kind>/<name>` (`numeric/ks`, `categorical/chi2`, `embedding/mmd`) → drift detectors `deepline monitor` runs. */
  readonly driftDetectors: Registry<DriftDetector>;
  /** `security.attack` names → adversarial attacks the robustness step measures with (`pgd`, `fgsm`, `token-swap`). */
  readonly attacks: Registry<AttackEntry>;
}

/** The registries holding deepline's built-ins, registered exactly as a plugin's entries are. */
export function createRegistries(): Registries {
  const registries: Registries = {
    templates: new Registry<Template>('task type'),
    readers: new Registry<DataReader>('data format'),
    samplers: new Registry<SamplerEntry>('sampler'),
    schedulers: new Registry<SchedulerEntry>('scheduler'),
    augmenters: new Registry<Augmenter>('augmenter'),
    families: new FamilyRegistry(),
    executors: new Registry<ExecutorEntry>('executor'),
    exporters: new Registry<Exporter>('exporter'),
    packagers: new Registry<Packager>('package target'),
    pruners: new Registry<Pruner>('pruner'),
    quantizers: new Registry<Quantizer>('quantizer'),
    driftDetectors: new Registry<DriftDetector>('drift detector'),
    attacks: new Registry<AttackEntry>('attack'),
  };
  registerTemplates(registries.templates);
  registerReaders(registries.readers);
  registerSamplers(registries.samplers);
  registerSchedulers(registries.schedulers);
  registerExecutors(registries.executors);
  registerExporters(registries.exporters);
  registerPackagers(registries.packagers);
  registerPruners(registries.pruners);
  registerTfjsQuantizers(registries.quantizers);
  registerOnnxQuantizers(registries.quantizers);
  registerDriftDetectors(registries.driftDetectors);
  registerAttacks(registries.attacks);
  registries.augmenters.defer(async (augmenters) => (await import('../train/augment/augmenter-registry.ts')).registerBuiltins(augmenters));
  // The families' modules import TF.js: loaded when a step first needs a family, not before.
  registries.families.defer(async (families) => (await import('../models/families/builtin-families.ts')).registerBuiltins(families));
  return registries;
}
