/**
 * Exits once stdout and stderr have handed everything written to them to the OS. Node takes the
 * first 64 KiB of a write to a pipe at once and the rest asynchronously, so a plain
 * `process.exit` after a long answer (`deepline show <run> --json | jq`) cut it at 64 KiB. A
 * reader that closed the pipe ends the wait as well (the write fails).
 */
export async function exitAfterFlush(code: number): Promise<never> {
  await Promise.all([process.stdout, process.stderr].map((stream) => new Promise<void>((resolve) => stream.write('', () => resolve()))));
  process.exit(code);
}
