import { readI64, readU64 } from './int64';

/** Bytes that end early or hold a value their field cannot have. Callers say what the bytes were. */
export class BytesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BytesError';
  }
}

/**
 * Reads the fields ByteWriter writes, in order, from bytes that may be corrupt or hostile: every
 * read checks that its field is there and can be what it says, and fails with `fail(detail)`
 * (a BytesError unless the caller makes its own error), never with a wrong value. `what` names
 * the field in that detail.
 */
export class ByteReader {
  /** The next byte to read. */
  pos = 0;
  private readonly bytes: Uint8Array;
  private asBuffer: Buffer | undefined;

  constructor(
    data: Uint8Array,
    private readonly fail: (detail: string) => Error = (detail) => new BytesError(detail),
  ) {
    // A plain Uint8Array view, so that slice() copies (Buffer's slice() is a view).
    this.bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  /** Bytes not read yet. */
  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  /** The same bytes as a Buffer, for what Buffer decodes natively (doubles, UTF-8). */
  private buffer(): Buffer {
    this.asBuffer ??= Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    return this.asBuffer;
  }

  private need(n: number, what: string | undefined): void {
    if (this.pos + n > this.bytes.length) throw this.fail(`${what ?? 'a field'} runs past the end (byte ${this.pos} of ${this.bytes.length})`);
  }

  u8(what?: string): number {
    if (this.pos >= this.bytes.length) this.need(1, what);
    return this.bytes[this.pos++];
  }

  u16(what?: string): number {
    this.need(2, what);
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + 2;
    return (b[p] << 8) | b[p + 1];
  }

  u32(what?: string): number {
    this.need(4, what);
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + 4;
    return b[p] * 0x100_0000 + ((b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]);
  }

  i32(what?: string): number {
    this.need(4, what);
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + 4;
    return (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
  }

  /** A u64 that must be below 2^53 (see int64.ts). */
  u64(what?: string): number {
    this.need(8, what);
    const n = readU64(this.bytes, this.pos);
    if (Number.isNaN(n)) throw this.fail(`${what ?? 'a number'} beyond 2^53 at byte ${this.pos}`);
    this.pos += 8;
    return n;
  }

  /** An i64 (NaN outside -2^53..2^53-1, as readI64: the caller decides whether that is corrupt). */
  i64(what?: string): number {
    this.need(8, what);
    const n = readI64(this.bytes, this.pos);
    this.pos += 8;
    return n;
  }

  f64(what?: string): number {
    this.need(8, what);
    const n = this.buffer().readDoubleBE(this.pos);
    this.pos += 8;
    return n;
  }

  /** An unsigned LEB128 varint of at most 8 bytes, below 2^53. */
  varint(what?: string): number {
    const b = this.bytes;
    let p = this.pos;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      if (p >= b.length) throw this.fail(`${what ?? 'a number'} truncated at byte ${this.pos}`);
      const byte = b[p++];
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (!Number.isSafeInteger(result)) throw this.fail(`${what ?? 'a number'} beyond 2^53 at byte ${this.pos}`);
        this.pos = p;
        return result;
      }
      scale *= 128;
    }
    throw this.fail(`${what ?? 'a number'} longer than 8 bytes at byte ${this.pos}`);
  }

  /** Bytes with a varint length first (ByteWriter.blob): a copy, not a view, so it may outlive the input. */
  blob(what?: string): Uint8Array {
    const n = this.varint(what);
    if (n > this.bytes.length - this.pos) throw this.fail(`${n} bytes of ${what ?? 'data'} run past the end (byte ${this.pos} of ${this.bytes.length})`);
    const out = this.bytes.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A string with a u16 byte length first (ByteWriter.str16). */
  str16(what?: string): string {
    const len = this.u16(what);
    this.need(len, what);
    const s = this.buffer().toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  /** Passes over n bytes (a reserved field) without reading them. */
  skip(n: number, what?: string): void {
    this.need(n, what);
    this.pos += n;
  }

  /** A u32 count of items that follow, each at least `minItemBytes` long, so a corrupt count cannot make a huge array. */
  count(what: string, minItemBytes: number): number {
    const n = this.u32(what);
    if (n * minItemBytes > this.remaining) throw this.fail(`${what} says ${n} items, more than the ${this.remaining} bytes left can hold`);
    return n;
  }

  /** Fails unless every byte has been read. */
  end(what?: string): void {
    if (this.pos !== this.bytes.length) throw this.fail(`${what ?? 'the bytes'} ${what ? 'has' : 'have'} ${this.bytes.length - this.pos} unexpected bytes at the end`);
  }
}
