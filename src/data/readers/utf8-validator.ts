import { isUtf8 } from 'node:buffer';
import { DeeplineError } from '../../errors/index.ts';

/**
 * Checks a text file chunk by chunk, refusing what is not UTF-8 instead of letting replacement
 * characters slip into category names: invalid bytes are DL_DATA_FORMAT naming the line and
 * column, and binary files people mistake for tables (gzip, xlsx, UTF-16) are named as such.
 * A UTF-8 byte-order mark is dropped. A character cut by a chunk boundary is carried over to the
 * next chunk, so every chunk returned decodes on its own.
 */
export class Utf8Validator {
  /** Lines completed so far, so the current line is `lines + 1`. */
  #lines = 0;
  #bytes = 0;
  #carry: Buffer | undefined;
  /** Characters of the current line in earlier chunks, and the last few of them, for messages. */
  #column = 0;
  #tail = '';

  constructor(private readonly file: string) {}

  /** The chunk's complete UTF-8 characters (with any carried over); throws DL_DATA_FORMAT at a bad byte. */
  check(chunk: Buffer): Buffer {
    let buf = this.#carry ? Buffer.concat([this.#carry, chunk]) : chunk;
    this.#carry = undefined;
    if (this.#bytes === 0) {
      this.#checkMagic(buf);
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
    }
    this.#bytes += chunk.length;
    const end = completeLength(buf);
    if (end < buf.length) this.#carry = Buffer.from(buf.subarray(end));
    const body = buf.subarray(0, end);
    if (!isUtf8(body)) throw this.#invalid(body);
    let last = -1;
    for (let at = body.indexOf(0x0a); at >= 0; at = body.indexOf(0x0a, at + 1)) {
      this.#lines++;
      last = at;
    }
    const partial = body.subarray(last + 1).toString('utf8');
    this.#column = (last >= 0 ? 0 : this.#column) + partial.length;
    this.#tail = ((last >= 0 ? '' : this.#tail) + partial).slice(-20);
    return body;
  }

  /** Call at the end of the input: a sequence still open there is cut off. */
  end(): void {
    if (this.#carry) throw this.#invalid(this.#carry);
  }

  #checkMagic(buf: Buffer): void {
    const kind =
      buf[0] === 0x1f && buf[1] === 0x8b
        ? { what: 'is gzip-compressed', hint: `decompress it first (gunzip ${this.file})` }
        : buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 0x03 && buf[3] === 0x04
          ? { what: 'is a ZIP archive (an Excel .xlsx workbook?)', hint: 'export the sheet as "CSV UTF-8" and read that file' }
          : (buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)
            ? { what: 'is UTF-16 text', hint: `convert it to UTF-8, e.g. iconv -f UTF-16 -t UTF-8 ${this.file} > converted, or save it as "CSV UTF-8"` }
            : buf.subarray(0, 4096).includes(0)
              ? { what: 'looks like binary data: it contains NUL bytes (UTF-16 text without a byte-order mark looks like this too)', hint: 'point data.path at a UTF-8 text table' }
              : controlBytes(buf.subarray(0, 1024)) >= 16
                ? { what: `looks like binary data: its first KB holds ${controlBytes(buf.subarray(0, 1024))} control bytes, which text never has`, hint: 'point data.path at a UTF-8 text table' }
                : undefined;
    if (kind) {
      throw new DeeplineError('DL_DATA_FORMAT', `${this.file} is not a text table: it ${kind.what}`, {
        hint: kind.hint,
        location: { file: this.file, line: 1 },
      });
    }
  }

  #invalid(body: Buffer): DeeplineError {
    // Find the first bad line, then the first replacement character the lenient decoder put in it.
    let line = this.#lines + 1;
    let start = 0;
    for (;;) {
      const nl = body.indexOf(0x0a, start);
      const end = nl < 0 ? body.length : nl;
      const bytes = body.subarray(start, end);
      if (!isUtf8(bytes) || nl < 0) {
        // The first line of this body may have begun in an earlier chunk.
        const [tail, before] = start === 0 ? [this.#tail, this.#column] : ['', 0];
        const text = bytes.toString('utf8');
        const at = Math.max(0, text.indexOf('\ufffd'));
        const bad = bytes[Buffer.byteLength(text.slice(0, at))] ?? bytes[bytes.length - 1];
        const column = before + at + 1;
        const near = (tail + text).slice(Math.max(0, tail.length + at - 20), tail.length + at + 20);
        return new DeeplineError(
          'DL_DATA_FORMAT',
          `${this.file} line ${line}, column ${column}: byte 0x${bad.toString(16).padStart(2, '0')} is not valid UTF-8 (near ${JSON.stringify(near)})`,
          {
            hint: `the file seems to use another encoding, often Windows-1252/Latin-1 from Excel: convert it, e.g. iconv -f WINDOWS-1252 -t UTF-8 ${this.file} > converted.csv, or save it as "CSV UTF-8"`,
            location: { file: this.file, line, column },
          },
        );
      }
      line++;
      start = end + 1;
    }
  }
}

/**
 * Bytes below 0x20 other than tab, line feed, form feed and carriage return, and DEL: text in any
 * 8-bit encoding has next to none, binary data about one in ten.
 */
function controlBytes(buf: Buffer): number {
  let count = 0;
  for (const b of buf) if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d) || b === 0x7f) count++;
  return count;
}

/** The length of `buf` without a trailing multi-byte sequence that the next chunk completes. */
function completeLength(buf: Buffer): number {
  let i = buf.length - 1;
  const stop = Math.max(0, buf.length - 4);
  while (i >= stop && (buf[i] & 0xc0) === 0x80) i--;
  if (i < 0) return buf.length;
  const lead = buf[i];
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return i + need > buf.length ? i : buf.length;
}
