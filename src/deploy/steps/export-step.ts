import { join } from 'node:path';
import { getDataset } from '../../data/steps/dataset-artifact.ts';
import { defineStep, type Step } from '../../pipeline/step.ts';
import { exportFileName } from '../exporters/exporter.ts';

export type ExportParams = {
  /** The exporter's name in `registries.exporters` (`onnx`). */
  readonly exporter: string;
  /** Written into the file where the format allows: the task's name and type, the class names. */
  readonly properties?: Readonly<Record<string, string>>;
};

export interface ExportWiring {
  readonly inputs?: { readonly model?: string; readonly test?: string };
}

type ExportInput = 'model' | 'test';

/**
 * Step `export-<exporter>`: writes the trained model in a deployment format and checks the
 * written file against the TF.js model on test examples. Outputs `file` (what is published, under
 * the exporter's file name) and `check` (the ExportCheck: size, examples, largest difference).
 */
export function exportStep(params: ExportParams, wiring: ExportWiring = {}): Step<ExportInput, 'file' | 'check'> {
  return defineStep<ExportInput, 'file' | 'check'>({
    name: `export-${params.exporter}`,
    version: '1',
    params,
    inputs: {
      model: wiring.inputs?.model ?? 'train.model',
      test: wiring.inputs?.test ?? 'normalize.test',
    },
    outputs: ['file', 'check'],
    description: `write the model as ${params.exporter} and check it on test examples`,
    async run(ctx, inputs) {
      const exporter = ctx.deepline.registries.exporters.get(params.exporter);
      const { loadModel } = await import('../../train/model-io.ts');
      await ctx.deepline.engine.start();
      const [model, sample] = await Promise.all([ctx.artifacts.localPath(inputs.model).then(loadModel), getDataset(ctx, inputs.test)]);
      try {
        const path = join(ctx.workDir, exportFileName(exporter.name));
        const properties: Record<string, string> = { ...params.properties, target: sample.target.name };
        if (sample.target.kind === 'class') properties.classes = JSON.stringify(sample.target.classes);
        const check = await exporter.write(model, path, { sample, properties });
        ctx.log.info({ exporter: exporter.name, bytes: check.bytes, maxAbsDiff: check.maxAbsDiff, examples: check.examples }, 'model exported and checked');
        await ctx.logMetric(`export_${exporter.name}_max_abs_diff`, check.maxAbsDiff);
        return { file: await ctx.artifacts.putFile(path, { move: true }), check: await ctx.artifacts.putJson(check) };
      } finally {
        model.dispose();
      }
    },
  });
}
