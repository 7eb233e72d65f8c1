import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DeeplineError, fileAccessError, isFileSystemError } from '../../src/errors/index.ts';
import { withTempDir } from '../data/fixtures/temp-dir.ts';

/** The error `action` rejects with. */
async function failure(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (e) {
    return e;
  }
  assert.fail('expected the call to fail');
}

/** An errno error as Node makes them, for faults a test cannot cause as root (EACCES, EBUSY). */
function errno(code: string, syscall: string, path: string): Error {
  return Object.assign(new Error(`${code}: ${syscall} '${path}'`), { code, syscall, path, errno: -1 });
}

describe('fileAccessError', () => {
  it('names a missing path with the code the caller gives', () =>
    withTempDir(async (dir) => {
      const path = join(dir, 'gone.csv');
      const e = fileAccessError(await failure(() => readFile(path)), path, { what: 'data file', missingCode: 'DL_DATA_MISSING', missingHint: 'fix data.path' });
      assert.ok(e instanceof DeeplineError);
      assert.equal(e.code, 'DL_DATA_MISSING');
      assert.equal(e.message, `data file ${path} does not exist`);
      assert.equal(e.hint, 'fix data.path');
      assert.deepEqual(e.location, { file: path });
    }));

  it('tells a folder given for a file, and a file in the middle of a path', () =>
    withTempDir(async (dir) => {
      const e = fileAccessError(await failure(() => readFile(dir)), dir, { what: 'task file', code: 'DL_TASK_FILE' });
      assert.equal(e.code, 'DL_TASK_FILE');
      assert.equal(e.message, `task file ${dir} is a folder, not a file (EISDIR)`);
      await writeFile(join(dir, 'plain'), 'x');
      const through = join(dir, 'plain', 'data.csv');
      const n = fileAccessError(await failure(() => readFile(through)), through, { what: 'data file' });
      assert.equal(n.code, 'DL_FILE_ACCESS');
      assert.equal(n.message, `data file ${through} cannot be reached: a part of the path is a file, not a folder (ENOTDIR)`);
      const mk = fileAccessError(await failure(() => mkdir(join(dir, 'plain'))), join(dir, 'plain'), { what: 'output folder' });
      assert.equal(mk.message, `cannot create output folder ${join(dir, 'plain')}: a file of that name is in the way (EEXIST)`);
    }));

  it('says permission denied, reading or writing by the system call, and what to do', () => {
    const read = fileAccessError(errno('EACCES', 'open', '/data/x.csv'), '/data/x.csv', { what: 'data file' });
    assert.equal(read.code, 'DL_FILE_ACCESS');
    assert.equal(read.message, 'permission denied: cannot read data file /data/x.csv (EACCES)');
    assert.match(read.hint!, /chmod a\+r/);
    const write = fileAccessError(errno('EPERM', 'mkdir', '/out'), '/out', { what: 'output folder' });
    assert.equal(write.message, 'permission denied: cannot write output folder /out (EPERM)');
    assert.match(write.hint!, /writable/);
  });

  it('names the inner path when the fault is below the one the user gave', () => {
    const e = fileAccessError(errno('EACCES', 'scandir', '/data/images/cat'), '/data/images', { what: 'data folder' });
    assert.equal(e.message, 'permission denied: cannot read data folder /data/images (at /data/images/cat) (EACCES)');
  });

  it('says locked, out of space, and adds where the path came from', () => {
    const busy = fileAccessError(errno('EBUSY', 'open', '/x.db'), '/x.db', { what: 'metadata store', where: ' (list.csv row 3)' });
    assert.equal(busy.message, 'metadata store /x.db is locked or busy (EBUSY) (list.csv row 3)');
    const full = fileAccessError(errno('ENOSPC', 'write', '/out/model.bin'), '/out/model.bin', { what: 'model' });
    assert.equal(full.message, 'cannot write model /out/model.bin: no space left on the device (ENOSPC)');
  });

  it('keeps the message of an error that is not a file-system one', () => {
    const e = fileAccessError(new Error('boom'), '/x', { what: 'image' });
    assert.equal(e.code, 'DL_FILE_ACCESS');
    assert.equal(e.message, 'cannot read image /x: boom');
  });
});

describe('isFileSystemError', () => {
  it('is true for what fs throws, false for other errors', () =>
    withTempDir(async (dir) => {
      assert.equal(isFileSystemError(await failure(() => readdir(join(dir, 'nope')))), true);
      assert.equal(isFileSystemError(new Error('ENOENT: no such file')), false);
      assert.equal(isFileSystemError(Object.assign(new Error('x'), { code: 'ERR_INVALID_ARG_TYPE' })), false);
      assert.equal(isFileSystemError({ code: 'ENOENT', syscall: 'open' }), false);
    }));
});
