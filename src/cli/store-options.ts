import type { Command } from 'commander';
import { resolveStoreUrl } from '../store/resolve-store-url.ts';
import type { OpenWorkspaceOptions } from '../store/workspace.ts';

const STORE_HELP = "keep runs, studies, artifacts and the registry in PostgreSQL (postgres://user@host:5432/db); default: the task file's `store:`, then DEEPLINE_STORE_URL, then the embedded stores in --home";

/**
 * The `--store` option on a command that has subcommands and acts itself (`deepline runs` lists,
 * `deepline runs delete` deletes): addStoreOption gives it to leaf commands only.
 */
export function storeOption(command: Command): Command {
  return command.option('--store <url>', STORE_HELP);
}

/**
 * Gives every command that has no `--store` of its own the option, and copies the value given
 * to the program, so `storeOptions(program)` finds it wherever the workspace is opened. An option
 * on each command (not one on the program) leaves a command's own `--store` (`deepline worker`'s)
 * to that command: commander would otherwise hand it to the program.
 */
export function addStoreOption(program: Command): void {
  const visit = (command: Command): void => {
    if (command.commands.length > 0) command.commands.forEach(visit);
    else if (!command.options.some((o) => o.long === '--store')) storeOption(command);
  };
  program.commands.forEach(visit);
  program.hook('preAction', (root, action) => {
    // The command's own, else a parent's that took it (`runs delete <id> --store …`: commander gives it to `runs`).
    for (let command: Command | null = action; command && command !== root; command = command.parent) {
      const value: unknown = command.opts().store;
      if (typeof value === 'string') return void root.setOptionValue('store', value);
    }
  });
}

/**
 * Which stores a command opens, as `openWorkspace` takes it: `--store <url>`, else the task
 * file's `store:` (`deepline run`), else `DEEPLINE_STORE_URL`, else the embedded stores in
 * `--home`. A malformed URL is DL_STORE_URL naming where it came from.
 */
export function storeOptions(program: Command, taskStore?: string): OpenWorkspaceOptions {
  const flag = program.opts().store as string | undefined;
  const { url, source } = resolveStoreUrl({ ...(flag !== undefined && { flag }), ...(taskStore !== undefined && { task: taskStore }) });
  return url === undefined ? {} : { storeUrl: url, storeUrlSource: source === 'task file' ? "the task file's `store`" : source };
}
