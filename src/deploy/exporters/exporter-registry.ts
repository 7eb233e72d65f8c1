import type { Registry } from '../../extensions/registry.ts';
import type { Exporter } from './exporter.ts';
import { onnxExporter } from './onnx-exporter.ts';

/** Registers deepline's own exporters, keyed by the names a task file's `export:` lists. */
export function registerBuiltins(registry: Registry<Exporter>): void {
  registry.register(onnxExporter.name, onnxExporter);
}
