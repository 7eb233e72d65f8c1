import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileAccessError } from '../errors/index.ts';

/**
 * Writes a file a command produces (a report, a schema, a task file), creating its folder first;
 * a folder or file that cannot be made is DL_FILE_ACCESS naming the path and the cause.
 */
export async function writeOutputFile(file: string, text: string, what: string): Promise<void> {
  const folder = dirname(file);
  try {
    await mkdir(folder, { recursive: true });
  } catch (e) {
    throw fileAccessError(e, folder, { what: `folder for the ${what}`, action: 'write' });
  }
  try {
    await writeFile(file, text);
  } catch (e) {
    throw fileAccessError(e, file, { what, action: 'write' });
  }
}
