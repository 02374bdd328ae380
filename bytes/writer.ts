import { writeI64, writeU64 } from './int64';

/**
 * Appends binary fields to a growing buffer: fixed-width big-endian integers and float64, unsigned
 * LEB128 varints, length-prefixed bytes and strings. Writes are checked (a value the field cannot
 * hold is a RangeError: a bug in the caller); `finish()` hands the bytes over.
 */
export class ByteWriter {
  private buf: Buffer;
  private pos = 0;

  /** `capacity`: the bytes expected, so that the buffer need not grow. */
  constructor(capacity = 256) {
    this.buf = Buffer.allocUnsafe(Math.max(64, capacity));
  }

  /** Bytes written so far. */
  get length(): number {
    return this.pos;
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(n: number): this {
    if ((n & 0xff) !== n) throw new RangeError(`u8: ${n} is not an integer in 0..255`);
    this.room(1);
    this.buf[this.pos++] = n;
    return this;
  }

  u16(n: number): this {
    this.room(2);
    this.buf.writeUInt16BE(n, this.pos);
    this.pos += 2;
    return this;
  }

  u32(n: number): this {
    this.room(4);
    this.buf.writeUInt32BE(n, this.pos);
    this.pos += 4;
    return this;
  }

  i32(n: number): this {
    this.room(4);
    this.buf.writeInt32BE(n, this.pos);
    this.pos += 4;
    return this;
  }

  /** 0..2^53-1 in 8 bytes (see int64.ts). */
  u64(n: number): this {
    this.room(8);
    writeU64(this.buf, this.pos, n);
    this.pos += 8;
    return this;
  }

  /** -(2^53-1)..2^53-1 in 8 bytes, two's complement. */
  i64(n: number): this {
    this.room(8);
    writeI64(this.buf, this.pos, n);
    this.pos += 8;
    return this;
  }

  /** Any number, exactly (IEEE 754 double). */
  f64(n: number): this {
    this.room(8);
    this.buf.writeDoubleBE(n, this.pos);
    this.pos += 8;
    return this;
  }

  /** An integer 0..2^53-1 as an unsigned LEB128 varint: 1 byte below 128, at most 8. */
  varint(n: number): this {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`varint: ${n} is not an integer in 0..2^53-1`);
    this.room(8);
    const b = this.buf;
    let p = this.pos;
    // Above 2^31 the bit operators would truncate: divide instead (n < 2^53 takes at most 8 bytes).
    while (n > 0x7fffffff) {
      b[p++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    while (n >= 0x80) {
      b[p++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    b[p++] = n;
    this.pos = p;
    return this;
  }

  /** The bytes as they are, no length. */
  raw(data: Uint8Array): this {
    this.room(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
    return this;
  }

  /** Bytes with their length first, as a varint (ByteReader.blob). */
  blob(data: Uint8Array): this {
    return this.varint(data.length).raw(data);
  }

  /** A string as UTF-8 with a u16 byte length first (ByteReader.str16); a RangeError naming `what` if over 65,535 bytes. */
  str16(s: string, what: string): this {
    const bytes = Buffer.byteLength(s, 'utf8');
    if (bytes > 0xffff) throw new RangeError(`${what} is ${bytes} bytes of UTF-8; at most 65535 can be encoded`);
    this.room(2 + bytes);
    this.buf.writeUInt16BE(bytes, this.pos);
    this.buf.write(s, this.pos + 2, bytes, 'utf8');
    this.pos += 2 + bytes;
    return this;
  }

  /** The bytes written: a view of the writer's buffer (which may be larger), valid until the next write. */
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** The bytes written, copied into an exact-size array of their own: for bytes kept for long. */
  finishCopy(): Uint8Array {
    return new Uint8Array(this.buf.subarray(0, this.pos));
  }
}
