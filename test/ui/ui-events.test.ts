import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { get as httpGet, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { UiEvent } from '../../src/ui/api-types.ts';
import { createUiServer, type UiServer } from '../../src/ui/ui-server.ts';
import { openUiWorkspace, type UiWorkspace } from '../../src/ui/ui-workspace.ts';
import { ROOT, tempDir } from '../e2e/cli-helpers.ts';
import { writeTasks } from './ui-fixture.ts';

interface Received {
  readonly event: UiEvent;
  /** When this process read it (ms since the epoch). */
  readonly at: number;
}

/** Subscribes to the server's event stream and collects every event with the time it arrived. */
function listen(port: number, query = ''): { events: Received[]; close(): void; ready: Promise<void> } {
  const events: Received[] = [];
  let response: IncomingMessage | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    const req = httpGet({ host: '127.0.0.1', port, path: `/api/events${query}` }, (res) => {
      response = res;
      assert.match(String(res.headers['content-type']), /text\/event-stream/);
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = message.split('\n').find((l) => l.startsWith('data: '));
          if (data) events.push({ event: JSON.parse(data.slice(6)) as UiEvent, at: Date.now() });
          if (events.length === 1) resolve();
        }
      });
    });
    req.on('error', reject);
  });
  return { events, ready, close: () => response?.destroy() };
}

describe('live events while `deepline run` searches in another process', { timeout: 400_000 }, () => {
  let dir: string;
  let workspace: UiWorkspace;
  let server: UiServer;
  let port: number;

  before(async () => {
    dir = tempDir('deepline-ui-live-');
    mkdirSync(join(dir, 'home'));
    workspace = await openUiWorkspace(join(dir, 'home'));
    server = await createUiServer({ workspace, pollMs: 250 });
    await server.start();
    await server.app.listen({ port: 0, host: '127.0.0.1' });
    port = (server.app.server.address() as AddressInfo).port;
  });

  after(async () => {
    await server?.close();
    await workspace?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes every trial, step and the run as they are stored, each within a second or so', async () => {
    const all = listen(port);
    const other = listen(port, '?run=20991231-000000-0000');
    await Promise.all([all.ready, other.ready]);
    const { iris } = writeTasks(dir);
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'src/cli/deepline.ts'), '--home', join(dir, 'home'), 'run', iris, '--json'], {
      cwd: dir,
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, stderr);
    const runId = (JSON.parse(stdout) as { runId: string }).runId;
    // The run's last records were written as the process ended: give the watcher a poll or two.
    const deadline = Date.now() + 5000;
    while (!all.events.some((r) => r.event.type === 'run-finished') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    all.close();
    other.close();

    const events = all.events.map((r) => r.event);
    assert.equal(events[0]?.type, 'hello');
    assert.ok(events.some((e) => e.type === 'run-started' && e.runId === runId), 'run-started');
    const finished = events.find((e) => e.type === 'run-finished');
    assert.ok(finished && finished.type === 'run-finished' && finished.runId === runId && finished.status === 'completed', 'run-finished: completed');
    const detail = (await workspace.metadata.getRunDetail(runId))!;
    const stepEvents = events.flatMap((e) => (e.type === 'step-finished' ? [e] : []));
    assert.deepEqual(stepEvents.map((e) => e.stepId).sort((a, b) => a - b), detail.steps.map((s) => s.id), 'one step-finished per stored step');
    for (const e of stepEvents) assert.equal(e.status, detail.steps.find((s) => s.id === e.stepId)!.status);

    const studyName = events.find((e) => e.type === 'trial-finished')?.type === 'trial-finished' ? (events.find((e) => e.type === 'trial-finished') as { study: string }).study : '';
    const trials = await workspace.studies.listTrials(studyName);
    assert.equal(trials.length, 3, 'the study is the run\'s');
    const trialEvents = all.events.filter((r) => r.event.type === 'trial-finished');
    assert.deepEqual(trialEvents.map((r) => (r.event as { trialId: number }).trialId).sort(), trials.map((t) => t.id).sort(), 'one trial-finished per trial');
    const latencies: number[] = [];
    for (const r of trialEvents) {
      const e = r.event as Extract<UiEvent, { type: 'trial-finished' }>;
      const stored = trials.find((t) => t.id === e.trialId)!;
      assert.equal(e.state, stored.rejectedFor ? 'rejected' : stored.state);
      assert.equal(e.runId, runId);
      latencies.push(r.at - Date.parse(stored.endedAt!));
    }
    assert.ok(events.some((e) => e.type === 'trial-started'), 'trial-started');
    assert.ok(events.some((e) => e.type === 'trial-progress'), 'trial-progress (epochs) while trials train');
    const last = trialEvents.at(-1)!.event as Extract<UiEvent, { type: 'trial-finished' }>;
    const complete = trials.filter((t) => t.state === 'complete' && !t.rejectedFor);
    assert.equal(last.finished, 3);
    assert.equal(last.best, Math.min(...complete.map((t) => t.values![0]!)));
    const seqs = events.map((e) => e.seq);
    assert.deepEqual(seqs.slice(1), [...seqs.slice(1)].sort((a, b) => a - b), 'sequence numbers increase');
    process.stdout.write(`trial-finished events arrived ${latencies.map((l) => `${l} ms`).join(', ')} after each trial was stored (poll every 250 ms)\n`);
    for (const l of latencies) assert.ok(l < 5000, `an event came ${l} ms after its trial ended`);
    // A subscriber to another run hears nothing of this one.
    assert.deepEqual(other.events.map((r) => r.event.type), ['hello']);
  });
});
