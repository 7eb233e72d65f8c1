import cliProgress from 'cli-progress';
import type { PipelineEvent } from '../events.ts';
import { formatDuration } from '../../render/format-duration.ts';
import type { Reporter, ReporterStream } from './reporter.ts';

interface BarPayload {
  step: string;
  description?: string;
  /** False until the step reports a total: until then there is no bar, only elapsed time. */
  known: boolean;
  unit?: string;
  message?: string;
}

const renderBar: cliProgress.GenericFormatter = (options, params, payload: BarPayload) => {
  const elapsed = formatDuration(Date.now() - params.startTime);
  const label = `  ▸ ${payload.step}`;
  if (!payload.known) return `${label}${payload.description ? ` ${payload.description}` : ''}  ${elapsed}`;
  const bar = cliProgress.Format.BarFormat(params.progress, options);
  const percent = Math.floor(params.progress * 100);
  const eta = params.progress < 1 && Number.isFinite(params.eta) && params.eta > 0 ? ` ETA ${formatDuration(params.eta * 1000)}` : '';
  const count = `${params.value}/${params.total}${payload.unit ? ` ${payload.unit}` : ''}`;
  return `${label} ${bar} ${percent}% ${count}${eta}  ${elapsed}${payload.message ? `  ${payload.message}` : ''}`;
};

/**
 * Live display for a terminal: a bar with ETA per running step, and one ✓ / cached / ✗ line per
 * finished step printed above the bars.
 */
export class TtyReporter implements Reporter {
  private multi: cliProgress.MultiBar | undefined;
  private readonly bars = new Map<string, { bar: cliProgress.SingleBar; payload: BarPayload }>();
  private lastDraw = 0;

  constructor(private readonly stream: ReporterStream) {}

  onEvent(event: PipelineEvent): void {
    switch (event.type) {
      case 'run-start':
        this.line(`Run ${event.runId}: ${event.steps.length} steps`);
        break;
      case 'step-start': {
        const payload: BarPayload = { step: event.step, description: event.description, known: false };
        this.multi ??= new cliProgress.MultiBar({
          stream: this.stream,
          format: renderBar,
          barsize: 24,
          hideCursor: false,
          clearOnComplete: true,
          // The CLI decides what Ctrl-C does; the bar must not install its own handlers.
          gracefulExit: false,
          etaBuffer: 20,
        });
        this.bars.set(event.step, { bar: this.multi.create(1, 0, payload), payload });
        break;
      }
      case 'step-progress': {
        const entry = this.bars.get(event.step);
        if (!entry) break;
        const { done, total, unit, message } = event.progress;
        Object.assign(entry.payload, { known: total > 0, unit, message });
        if (total > 0 && entry.bar.getTotal() !== total) entry.bar.setTotal(total);
        entry.bar.update(Math.min(done, Math.max(total, 0)), entry.payload);
        // The bars' own timer redraws at 10 fps; drawing here too shows a step's first progress
        // at once, rate-limited so that a flood of events does not flood the terminal.
        if (Date.now() - this.lastDraw >= 100) {
          this.lastDraw = Date.now();
          this.multi?.update();
        }
        break;
      }
      case 'step-end': {
        const entry = this.bars.get(event.step);
        if (entry) {
          this.multi?.remove(entry.bar);
          this.bars.delete(event.step);
        }
        const took = formatDuration(event.durationMs);
        if (event.status === 'completed') this.line(`✓ ${event.step}  ${took}`);
        else if (event.status === 'cached') this.line(`↷ ${event.step}  cached`);
        else this.line(`✗ ${event.step}  failed after ${took}: ${event.error ?? 'unknown error'}`);
        break;
      }
      case 'run-end': {
        this.close();
        const c = event.counts;
        const mark = event.status === 'completed' ? '✓' : '✗';
        this.line(`${mark} Run ${event.runId} ${event.status} in ${formatDuration(event.durationMs)} (${c.completed} run, ${c.cached} cached${c.failed ? `, ${c.failed} failed` : ''})`);
        break;
      }
    }
  }

  close(): void {
    this.multi?.stop();
    this.multi = undefined;
    this.bars.clear();
  }

  /** A permanent line: above the live bars while some run, straight to the stream otherwise. */
  private line(text: string): void {
    if (this.multi && this.bars.size > 0) {
      this.multi.log(`${text}\n`);
      this.multi.update();
      return;
    }
    if (this.multi) this.close();
    this.stream.write(`${text}\n`);
  }
}
