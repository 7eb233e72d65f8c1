import { PlainReporter } from './plain-reporter.ts';
import type { Reporter, ReporterStream } from './reporter.ts';
import { TtyReporter } from './tty-reporter.ts';

/**
 * Live bars on an interactive terminal, plain lines otherwise: when the stream is not a TTY
 * or `CI` is set (CI runners often fake a TTY, and their logs cannot redraw lines).
 */
export function createReporter(stream: ReporterStream = process.stderr, env: NodeJS.ProcessEnv = process.env): Reporter {
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI.toLowerCase() !== 'false';
  return stream.isTTY === true && !ci ? new TtyReporter(stream) : new PlainReporter(stream);
}
