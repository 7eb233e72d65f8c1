// npm run bench:profile -- [--engine native|wasm|cpu] [--threads 1] [--batch 64] [--genome '{"family":"cnn",…}']
// Times one training step (forward, backward, Adam) of a CNN on 28x28 images on one engine, then
// prints tf.profile's kernel times: summed per kernel, and the heaviest kernel calls with their
// input shapes. Kernels that run inside another (fused ops) are counted in both.
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initEngine, type ResolvedEngine } from '../src/engine/engine.ts';
import { cnnFamily } from '../src/models/families/cnn-family.ts';
import type { CnnGenome } from '../src/models/genome.ts';
import { taskLoss } from '../src/models/losses.ts';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'native' },
    threads: { type: 'string', default: '1' },
    batch: { type: 'string', default: '64' },
    genome: { type: 'string' },
    steps: { type: 'string', default: '10' },
  },
});
const engine = values.engine as ResolvedEngine;
await initEngine(engine, { threads: Number(values.threads) });
const genome = values.genome ? (cnnFamily.genomeSchema.parse(JSON.parse(values.genome)) as CnnGenome) : cnnFamily.defaultGenome([28, 28], 10);
const classes = Array.from({ length: 10 }, (_, i) => String(i));
const model = cnnFamily.build(genome, { inputShape: [28, 28], head: { units: 10, activation: 'softmax' }, seed: 1 });
const loss = taskLoss({ kind: 'class', name: 'label', classes });
const optimizer = tf.train.adam(1e-3);
const batch = Number(values.batch);
const x = tf.randomUniform([batch, 28, 28]);
const y = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10));
const step = (): void => {
  const cost = optimizer.minimize(() => loss.loss(y, model.apply(x, { training: true }) as tf.Tensor), true) as tf.Scalar;
  cost.dataSync();
  cost.dispose();
};
for (let i = 0; i < 3; i++) step();
const steps = Number(values.steps);
const start = performance.now();
for (let i = 0; i < steps; i++) step();
const stepMs = (performance.now() - start) / steps;
const profile = await tf.profile(step);

const byName = new Map<string, number>();
const byCall = new Map<string, { ms: number; calls: number }>();
for (const k of profile.kernels) {
  const ms = Number(k.kernelTimeMs);
  byName.set(k.name, (byName.get(k.name) ?? 0) + ms);
  const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
  const entry = byCall.get(key) ?? { ms: 0, calls: 0 };
  entry.ms += ms;
  entry.calls++;
  byCall.set(key, entry);
}
const total = [...byName.values()].reduce((a, b) => a + b, 0);
console.log(`${engine}, ${values.threads} thread(s), batch ${batch}: ${stepMs.toFixed(1)} ms per training step (mean of ${steps}); kernels ${total.toFixed(1)} ms in the profiled step`);
console.log(`genome ${JSON.stringify(genome)}\n`);
console.log('ms per step by kernel');
for (const [name, ms] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`${ms.toFixed(1).padStart(8)}  ${name}`);
console.log('\nheaviest calls (ms, calls, kernel, input shapes)');
for (const [key, e] of [...byCall].sort((a, b) => b[1].ms - a[1].ms).slice(0, 20)) console.log(`${e.ms.toFixed(1).padStart(8)}  x${e.calls}  ${key}`);
