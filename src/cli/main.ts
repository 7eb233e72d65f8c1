import { Command, CommanderError } from 'commander';
import { DeeplineError, isDeeplineError } from '../errors/index.ts';
import { registerRunCommand } from './run-command.ts';
import { registerRunsCommand } from './runs-command.ts';
import { registerShowCommand } from './show-command.ts';
import { registerInitCommand } from './init-command.ts';
import { registerProfileCommand } from './profile-command.ts';
import { registerValidateCommand } from './validate-command.ts';
import { registerDoctorCommand } from './doctor-command.ts';

/** Builds the `deepline` program; `main` runs it. Separate so tests can drive it in-process. */
export function buildProgram(): Command {
  const program = new Command('deepline')
    .description('From a task file to a trained, evaluated, recorded deep-learning model.')
    .option('--home <dir>', 'workspace folder for the metadata store and artifacts', process.env.DEEPLINE_HOME ?? '.deepline')
    .option('--debug', 'print stack traces')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  program.configureHelp({ sortSubcommands: false });
  for (const register of [registerRunCommand, registerInitCommand, registerProfileCommand, registerValidateCommand, registerRunsCommand, registerShowCommand, registerDoctorCommand]) {
    register(program);
  }
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/** Runs the CLI and returns its exit code: 0 ok, 1 failed run, 2 bad usage or input. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    return reportError(e, argv.includes('--debug'));
  }
}

function reportError(e: unknown, debug: boolean): number {
  if (e instanceof CommanderError) {
    // Help and version exit through here with code 0; commander already printed the message.
    return e.exitCode === 0 ? 0 : 2;
  }
  const error = isDeeplineError(e)
    ? e
    : new DeeplineError('DL_INTERNAL', (e as Error)?.message ?? String(e), {
        hint: 'this is a bug in deepline: rerun with --debug and report the stack trace',
        cause: e,
      });
  // Messages name their own file, line and field (one error may list several problems).
  process.stderr.write(`error[${error.code}]: ${error.message}\n`);
  if (error.hint) process.stderr.write(`  hint: ${error.hint}\n`);
  if (debug) process.stderr.write(`${(error.cause as Error | undefined)?.stack ?? error.stack}\n`);
  return error.exitCode;
}
