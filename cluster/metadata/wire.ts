/**
 * The few primitives the controller's commands and snapshots are written with. Numbers are
 * big-endian float64: every JS number round-trips exactly (ids and indexes are integers below
 * 2^53), so the codec never rejects a value and apply alone decides what is valid. Strings are
 * UTF-8 with a u16 byte length.
 */

export class Writer {
  private buf = Buffer.allocUnsafe(256);
  private pos = 0;

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(n: number): this {
    this.room(1);
    this.buf.writeUInt8(n, this.pos);
    this.pos += 1;
    return this;
  }

  u32(n: number): this {
    this.room(4);
    this.buf.writeUInt32BE(n, this.pos);
    this.pos += 4;
    return this;
  }

  num(n: number): this {
    this.room(8);
    this.buf.writeDoubleBE(n, this.pos);
    this.pos += 8;
    return this;
  }

  /** Throws RangeError naming `what` if the string is over 65,535 bytes of UTF-8. */
  str(s: string, what: string): this {
    const bytes = Buffer.byteLength(s, 'utf8');
    if (bytes > 0xffff) throw new RangeError(`${what} is ${bytes} bytes of UTF-8; at most 65535 can be encoded`);
    this.room(2 + bytes);
    this.buf.writeUInt16BE(bytes, this.pos);
    this.buf.write(s, this.pos + 2, bytes, 'utf8');
    this.pos += 2 + bytes;
    return this;
  }

  /** A count of items that follow (u32). */
  count(n: number, what: string): this {
    if (n > 0xffff_ffff) throw new RangeError(`${what}: ${n} items cannot be encoded`);
    return this.u32(n);
  }

  finish(): Uint8Array {
    return new Uint8Array(this.buf.subarray(0, this.pos));
  }
}

/** Raised on bytes that end early or hold an impossible value; callers turn it into their own error. */
export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

export class Reader {
  private readonly view: Buffer;
  private pos = 0;

  constructor(data: Uint8Array) {
    this.view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.view.length) throw new WireError(`${what} runs past the end (byte ${this.pos} of ${this.view.length})`);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.view.readUInt8(this.pos++);
  }

  u32(what: string): number {
    this.need(4, what);
    const n = this.view.readUInt32BE(this.pos);
    this.pos += 4;
    return n;
  }

  num(what: string): number {
    this.need(8, what);
    const n = this.view.readDoubleBE(this.pos);
    this.pos += 8;
    return n;
  }

  /** A number that must be an integer in min..max (snapshots hold only such numbers). */
  int(what: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const n = this.num(what);
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new WireError(`${what} is ${n}, not an integer in ${min}..${max}`);
    return n;
  }

  str(what: string): string {
    this.need(2, what);
    const len = this.view.readUInt16BE(this.pos);
    this.need(2 + len, what);
    const s = this.view.toString('utf8', this.pos + 2, this.pos + 2 + len);
    this.pos += 2 + len;
    return s;
  }

  /** A count of items that follow, each at least `minItemBytes` long (so a corrupt count cannot make a huge array). */
  count(what: string, minItemBytes: number): number {
    const n = this.u32(what);
    if (n * minItemBytes > this.view.length - this.pos) throw new WireError(`${what} says ${n} items, more than the ${this.view.length - this.pos} bytes left can hold`);
    return n;
  }

  end(what: string): void {
    if (this.pos !== this.view.length) throw new WireError(`${what} has ${this.view.length - this.pos} unexpected bytes at its end`);
  }
}
