import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Utf8Validator } from '../../../src/data/readers/utf8-validator.ts';
import { DeeplineError } from '../../../src/errors/index.ts';

/** Feeds `bytes` in chunks of `size` and returns the decoded text, as a reader would. */
function feed(bytes: Buffer, size: number): string {
  const v = new Utf8Validator('t.csv');
  let out = '';
  for (let i = 0; i < bytes.length; i += size) out += v.check(bytes.subarray(i, i + size)).toString('utf8');
  v.end();
  return out;
}

function failure(bytes: Buffer, size = bytes.length): DeeplineError {
  try {
    feed(bytes, size);
  } catch (e) {
    assert.ok(e instanceof DeeplineError, String(e));
    assert.equal(e.code, 'DL_DATA_FORMAT');
    return e;
  }
  assert.fail('no error');
}

describe('Utf8Validator', () => {
  it('keeps characters split across chunks whole, whatever the chunk size', () => {
    const text = 'name,label\nJosé,ünïcödé\n東京,😀\n';
    for (const size of [1, 2, 3, 5, 7, 64]) assert.equal(feed(Buffer.from(text), size), text, `chunks of ${size}`);
  });

  it('drops a UTF-8 byte-order mark', () => {
    assert.equal(feed(Buffer.from('\ufeffa,b\n'), 64), 'a,b\n');
  });

  it('names the line and column of the first invalid byte, across chunks', () => {
    const bytes = Buffer.concat([Buffer.from('a,b\n1,2\nJos'), Buffer.from([0xe9]), Buffer.from(',x\n')]);
    for (const size of [2, 5, 100]) {
      const e = failure(bytes, size);
      assert.match(e.message, /t\.csv line 3, column 4: byte 0xe9 is not valid UTF-8/);
      assert.deepEqual([e.location?.line, e.location?.column], [3, 4]);
    }
  });

  it('refuses a character cut off at the end of the file, and overlong or surrogate encodings', () => {
    assert.match(failure(Buffer.concat([Buffer.from('a\nb'), Buffer.from([0xe2, 0x82])])).message, /line 2/);
    assert.match(failure(Buffer.from([0x61, 0xc0, 0xaf])).message, /byte 0xc0/);
    assert.match(failure(Buffer.from([0x61, 0xed, 0xa0, 0x80])).message, /byte 0xed/);
  });

  it('names binary files people mistake for tables', () => {
    assert.match(failure(Buffer.from([0x1f, 0x8b, 8, 0])).message, /gzip-compressed/);
    assert.match(failure(Buffer.from('PK\x03\x04rest')).message, /ZIP archive \(an Excel \.xlsx workbook\?\)/);
    assert.match(failure(Buffer.from([0xfe, 0xff, 0, 0x61])).message, /UTF-16/);
    assert.match(failure(Buffer.from('a\0,\0b\0')).message, /looks like binary data: it contains NUL bytes/);
  });

  it('calls a file binary when its first KB holds control bytes, but not Latin-1 text', () => {
    const binary = Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 7) % 255 + 1));
    assert.match(failure(binary).message, /^t\.csv is not a text table: it looks like binary data: its first KB holds \d+ control bytes/);
    // A few stray control bytes in text are not enough, and Latin-1 is named as an encoding problem.
    assert.equal(feed(Buffer.from(`a,b\n${'1,\x01x\n'.repeat(10)}`), 64).length, 54);
    assert.match(failure(Buffer.concat([Buffer.from('name\nJos'), Buffer.from([0xe9]), Buffer.from('\n')])).message, /byte 0xe9 is not valid UTF-8/);
  });
});
