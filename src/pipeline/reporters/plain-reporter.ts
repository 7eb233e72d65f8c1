import type { PipelineEvent } from '../events.ts';
import type { StepProgress } from '../step.ts';
import { formatDuration } from '../../render/format-duration.ts';
import type { Reporter, ReporterStream } from './reporter.ts';

export interface PlainReporterOptions {
  /** Print progress when it crosses another multiple of this percentage (default 10). */
  everyPercent?: number;
  /** ...or when this long has passed since the step's last line (default 10 s). */
  everyMs?: number;
  /** Clock in ms; tests pass a fake one. */
  now?: () => number;
}

/**
 * One plain line per event worth keeping, for CI logs and files: no cursor movement, and
 * progress thinned out so that a 10 000-batch epoch does not write 10 000 lines.
 */
export class PlainReporter implements Reporter {
  private readonly everyPercent: number;
  private readonly everyMs: number;
  private readonly now: () => number;
  private readonly last = new Map<string, { bucket: number; at: number }>();
  private readonly position = new Map<string, string>();

  constructor(
    private readonly stream: ReporterStream,
    options: PlainReporterOptions = {},
  ) {
    this.everyPercent = options.everyPercent ?? 10;
    this.everyMs = options.everyMs ?? 10_000;
    this.now = options.now ?? (() => Date.now());
  }

  onEvent(event: PipelineEvent): void {
    switch (event.type) {
      case 'run-start':
        this.write(`run ${event.runId}: ${event.steps.length} steps (${event.steps.join(', ')})`);
        break;
      case 'step-start':
        this.position.set(event.step, `[${event.index + 1}/${event.total}]`);
        this.last.set(event.step, { bucket: 0, at: this.now() });
        this.write(`${this.pos(event.step)} ${event.step}: started${event.description ? ` (${event.description})` : ''}`);
        break;
      case 'step-progress':
        this.progress(event.step, event.progress);
        break;
      case 'step-end': {
        const pos = `[${event.index + 1}/${event.total}]`;
        const took = formatDuration(event.durationMs);
        if (event.status === 'completed') this.write(`${pos} ${event.step}: done in ${took}`);
        else if (event.status === 'cached') this.write(`${pos} ${event.step}: cached`);
        else this.write(`${pos} ${event.step}: FAILED after ${took}: ${event.error ?? 'unknown error'}`);
        this.last.delete(event.step);
        break;
      }
      case 'run-end': {
        const c = event.counts;
        const parts = [`${c.completed} run`, `${c.cached} cached`, ...(c.failed ? [`${c.failed} failed`] : [])];
        this.write(`run ${event.runId} ${event.status} in ${formatDuration(event.durationMs)} (${parts.join(', ')})`);
        break;
      }
    }
  }

  close(): void {
    this.last.clear();
  }

  private progress(step: string, p: StepProgress): void {
    const now = this.now();
    const last = this.last.get(step) ?? { bucket: 0, at: now };
    const known = p.total > 0;
    const percent = known ? Math.min(100, Math.floor((p.done / p.total) * 100)) : 0;
    const bucket = known ? Math.floor(percent / this.everyPercent) : last.bucket;
    if (bucket <= last.bucket && now - last.at < this.everyMs) return;
    this.last.set(step, { bucket: Math.max(bucket, last.bucket), at: now });
    const count = known ? `${percent}% (${p.done}/${p.total}${p.unit ? ` ${p.unit}` : ''})` : `${p.done}${p.unit ? ` ${p.unit}` : ''}`;
    this.write(`${this.pos(step)} ${step}: ${count}${p.message ? ` ${p.message}` : ''}`);
  }

  private pos(step: string): string {
    return this.position.get(step) ?? '[?]';
  }

  private write(line: string): void {
    this.stream.write(`${line}\n`);
  }
}
