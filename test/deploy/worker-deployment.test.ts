import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { buildProgram } from '../../src/cli/main.ts';

// What can be checked without a cluster or a Docker daemon (neither runs here, and kubectl's
// client-side dry run still asks a server for its API groups): the manifest parses, its objects have the fields Kubernetes requires and agree with each other and with the
// image, and every flag the pods pass is one `deepline worker` takes.
const ROOT = resolve(import.meta.dirname, '../..');
const DIR = join(ROOT, 'deploy/worker');

const labels = z.record(z.string(), z.string());
const metadata = z.object({ name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/), labels: labels.optional() });
const container = z.object({
  name: z.string().min(1),
  image: z.string().min(1),
  args: z.array(z.string()).optional(),
  envFrom: z.array(z.object({ configMapRef: z.object({ name: z.string() }).optional(), secretRef: z.object({ name: z.string() }).optional() })).optional(),
  ports: z.array(z.object({ name: z.string().max(15), containerPort: z.int().min(1).max(65535), protocol: z.enum(['TCP', 'UDP']).optional() })).optional(),
  resources: z.object({ requests: z.record(z.string(), z.string()), limits: z.record(z.string(), z.string()) }),
  livenessProbe: z.object({ httpGet: z.object({ path: z.string(), port: z.union([z.string(), z.int()]) }) }).optional(),
  volumeMounts: z.array(z.object({ name: z.string(), mountPath: z.string() })).optional(),
});
const deployment = z.object({
  apiVersion: z.literal('apps/v1'),
  kind: z.literal('Deployment'),
  metadata,
  spec: z.object({
    replicas: z.int().min(1),
    selector: z.object({ matchLabels: labels }),
    template: z.object({
      metadata: z.object({ labels }),
      spec: z.object({
        terminationGracePeriodSeconds: z.int().min(30),
        containers: z.array(container).min(1),
        volumes: z.array(z.object({ name: z.string() })).optional(),
      }),
    }),
  }),
});
const configMap = z.object({ apiVersion: z.literal('v1'), kind: z.literal('ConfigMap'), metadata, data: z.record(z.string(), z.string()) });
const secret = z.object({ apiVersion: z.literal('v1'), kind: z.literal('Secret'), metadata, stringData: z.record(z.string(), z.string()) });

function objects(): { kind: string }[] {
  const docs = parseAllDocuments(readFileSync(join(DIR, 'kubernetes.yaml'), 'utf8'));
  for (const doc of docs) assert.deepEqual(doc.errors, [], 'the manifest is valid YAML');
  return docs.map((d) => d.toJS() as { kind: string });
}

test('the worker manifest holds a Deployment with the required fields, consistent with its config and image', () => {
  const all = objects();
  const dep = deployment.parse(all.find((o) => o.kind === 'Deployment'));
  const config = configMap.parse(all.find((o) => o.kind === 'ConfigMap'));
  const store = secret.parse(all.find((o) => o.kind === 'Secret'));
  // The selector must select the pods it creates, or Kubernetes refuses the Deployment.
  for (const [k, v] of Object.entries(dep.spec.selector.matchLabels)) assert.equal(dep.spec.template.metadata.labels[k], v, `template label ${k}`);
  const worker = dep.spec.template.spec.containers[0];
  assert.match(config.data.DEEPLINE_REDIS_URL, /^redis:\/\//);
  assert.match(store.stringData.DEEPLINE_STORE_URL, /^postgres(ql)?:\/\//);
  const refs = (worker.envFrom ?? []).flatMap((e) => [e.configMapRef?.name, e.secretRef?.name]).filter(Boolean);
  assert.deepEqual(new Set(refs), new Set([config.metadata.name, store.metadata.name]), 'the pods read the ConfigMap and the Secret');
  const mounts = new Set((dep.spec.template.spec.volumes ?? []).map((v) => v.name));
  for (const m of worker.volumeMounts ?? []) assert.ok(mounts.has(m.name), `volume ${m.name} is declared`);
  // Every flag the pods pass is a flag of `deepline worker`, and the metrics port is the one declared.
  const command = buildProgram().commands.find((c) => c.name() === 'worker');
  assert.ok(command, 'deepline has a worker command');
  const known = new Set(command.options.map((o) => o.long));
  const args = worker.args ?? [];
  for (const flag of args.filter((a) => a.startsWith('--'))) assert.ok(known.has(flag), `deepline worker takes ${flag}`);
  const port = Number(args[args.indexOf('--metrics-port') + 1]);
  assert.equal(worker.ports?.find((p) => p.name === 'metrics')?.containerPort, port);
  assert.equal(worker.livenessProbe?.httpGet.path, '/metrics');
  assert.equal(worker.resources.requests.cpu, args[args.indexOf('--threads') + 1], 'the pod requests a core per native thread');
});

test('the worker Dockerfile copies what exists, runs deepline worker and exposes the metrics port', () => {
  const text = readFileSync(join(DIR, 'Dockerfile'), 'utf8');
  const lines = text.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
  assert.match(lines[0], /^FROM node:20/);
  for (const line of lines.filter((l) => l.startsWith('COPY ') && !l.includes('--from='))) {
    const sources = line.split(/\s+/).slice(1, -1);
    for (const source of sources) assert.ok(existsSync(join(ROOT, source)), `${source} (copied by the Dockerfile) exists in the repository`);
  }
  const entry = lines.find((l) => l.startsWith('ENTRYPOINT'));
  assert.deepEqual(JSON.parse(entry!.slice('ENTRYPOINT'.length)), ['deepline', 'worker']);
  const cmd = JSON.parse(lines.find((l) => l.startsWith('CMD'))!.slice(3)) as string[];
  const exposed = lines.find((l) => l.startsWith('EXPOSE'))!.split(/\s+/)[1];
  assert.equal(cmd[cmd.indexOf('--metrics-port') + 1], exposed);
  assert.ok(/libdnnl-dev/.test(text) && /npm ci/.test(text), 'oneDNN is installed before npm ci builds the native engine');
});
