import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { TrialResult } from '../search/executors/trial-job.ts';

/** What `deepline worker --metrics-port` exposes: trials by end state, trial-epochs, running trials, trial durations. */
export interface WorkerMetrics {
  trialStarted(): void;
  trialEnded(result: TrialResult): void;
  epoch(): void;
  /** Serves GET /metrics on `port` (0: any free one); resolves with the port bound. */
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}

export function createWorkerMetrics(labels: { readonly worker: string }): WorkerMetrics {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  collectDefaultMetrics({ register: registry });
  const trials = new Counter({ name: 'deepline_worker_trials_total', help: 'trials this worker finished, by end state', labelNames: ['state'], registers: [registry] });
  const epochs = new Counter({ name: 'deepline_worker_trial_epochs_total', help: 'trial-epochs this worker trained', registers: [registry] });
  const running = new Gauge({ name: 'deepline_worker_trials_running', help: 'trials running on this worker now', registers: [registry] });
  const duration = new Histogram({
    name: 'deepline_worker_trial_duration_seconds',
    help: 'wall time of the trials this worker finished',
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
    registers: [registry],
  });
  let server: Server | undefined;
  let started = 0;
  return {
    trialStarted() {
      running.set(++started);
    },
    trialEnded(result) {
      trials.inc({ state: result.state });
      duration.observe(result.durationMs / 1000);
      running.set(Math.max(0, --started));
    },
    epoch() {
      epochs.inc();
    },
    listen(port, host) {
      server = createServer((request, response) => {
        if (request.method === 'GET' && request.url?.split('?')[0] === '/metrics') {
          void registry.metrics().then((text) => {
            response.writeHead(200, { 'content-type': registry.contentType });
            response.end(text);
          });
          return;
        }
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end('only GET /metrics is served here\n');
      });
      return new Promise((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, host, () => {
          const address = server!.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      });
    },
    async close() {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
}
