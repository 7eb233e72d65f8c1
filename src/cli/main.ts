import { Command, CommanderError } from 'commander';
import { DeeplineError, fileAccessError, isDeeplineError, isFileSystemError } from '../errors/index.ts';
import { registerRunCommand } from './run-command.ts';
import { registerRunsCommand } from './runs-command.ts';
import { registerShowCommand } from './show-command.ts';
import { registerInitCommand } from './init-command.ts';
import { registerProfileCommand } from './profile-command.ts';
import { registerValidateCommand } from './validate-command.ts';
import { registerDoctorCommand } from './doctor-command.ts';
import { registerServeCommand } from './serve-command.ts';
import { registerBenchTargetCommand } from './bench-target-command.ts';
import { registerPackageCommand } from './package-command.ts';
import { registerMonitorCommand } from './monitor-command.ts';
import { registerLabelCommand } from './label-command.ts';
import { registerRetrainCommand } from './retrain-command.ts';
import { registerWatchCommand } from './watch-command.ts';
import { registerRegistryCommand } from './registry-command.ts';
import { registerPriorCommand } from './prior-command.ts';
import { registerWorkerCommand } from './worker-command.ts';
import { registerWorkersCommand } from './workers-command.ts';
import { registerUiCommand } from './ui-command.ts';
import { jsonResultPrinted } from './output.ts';
import { addStoreOption } from './store-options.ts';

/** Builds the `deepline` program; `main` runs it. Separate so tests can drive it in-process. */
export function buildProgram(): Command {
  const program = new Command('deepline')
    .description('From a task file to a trained, evaluated, recorded deep-learning model.')
    .option('--home <dir>', 'workspace folder for the metadata store and artifacts', process.env.DEEPLINE_HOME ?? '.deepline')
    .option('--debug', 'print stack traces')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  program.configureHelp({ sortSubcommands: false });
  for (const register of [registerRunCommand, registerInitCommand, registerProfileCommand, registerValidateCommand, registerRunsCommand, registerShowCommand, registerServeCommand, registerBenchTargetCommand, registerPackageCommand, registerMonitorCommand, registerLabelCommand, registerRetrainCommand, registerWatchCommand, registerRegistryCommand, registerPriorCommand, registerUiCommand, registerWorkerCommand, registerWorkersCommand, registerDoctorCommand]) {
    register(program);
  }
  for (const cmd of program.commands) cmd.exitOverride();
  addStoreOption(program);
  return program;
}

/**
 * Runs the CLI and returns its exit code: 0 ok, 1 failed run, 2 bad usage or input. With
 * `--json`, an error is a JSON object on stdout too: `{"error": {code, message, hint, location}}`.
 */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const json = argv.includes('--json');
  // A usage error in JSON mode is reported as JSON below, not as commander's text.
  if (json) {
    const quiet = { outputError: () => undefined };
    program.configureOutput(quiet);
    for (const cmd of program.commands) cmd.configureOutput(quiet);
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    return reportError(e, { debug: argv.includes('--debug'), json });
  }
}

function reportError(e: unknown, mode: { debug: boolean; json: boolean }): number {
  if (e instanceof CommanderError) {
    // Help and version exit through here with code 0; commander already printed the message.
    if (e.exitCode === 0) return 0;
    if (!mode.json) return 2;
    const usage = new DeeplineError('DL_USAGE', e.message.replace(/^error: /, ''), { hint: 'run with --help for usage' });
    process.stdout.write(`${JSON.stringify({ error: errorJson(usage) }, null, 2)}\n`);
    process.stderr.write(`error[DL_USAGE]: ${usage.message}\n`);
    return 2;
  }
  const error = isDeeplineError(e)
    ? e
    : isFileSystemError(e)
      ? // A file fault no entry point foresaw: still the user's to fix, so no "bug" and no stack.
        fileAccessError(e, e.path ?? e.dest ?? '(unknown path)', { what: 'file' })
      : new DeeplineError('DL_INTERNAL', (e as Error)?.message ?? String(e), {
        hint: 'this is a bug in deepline: rerun with --debug and report the stack trace',
        cause: e,
      });
  if (mode.json && !jsonResultPrinted()) process.stdout.write(`${JSON.stringify({ error: errorJson(error) }, null, 2)}\n`);
  // Messages name their own file, line and field (one error may list several problems).
  process.stderr.write(`error[${error.code}]: ${error.message}\n`);
  if (error.hint) process.stderr.write(`  hint: ${error.hint}\n`);
  if (mode.debug) process.stderr.write(`${(error.cause as Error | undefined)?.stack ?? error.stack}\n`);
  return error.exitCode;
}

/** The JSON form of an error: stable code, message, hint and location (absent fields left out). */
function errorJson(error: DeeplineError): Record<string, unknown> {
  return {
    code: error.code,
    message: error.message,
    ...(error.hint !== undefined && { hint: error.hint }),
    ...(error.location !== undefined && { location: error.location }),
  };
}
