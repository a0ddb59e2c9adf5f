/**
 * Re-cuts a byte stream into pieces of exactly `size` bytes, deliberately ignoring frame and
 * character boundaries, so consumers are tested against reads that end mid-object or in the
 * middle of a multi-byte character.
 */
export class ByteChunker {
  private pending = new Uint8Array(0);

  constructor(private readonly size: number | undefined) {}

  /** Full pieces ready to write; a shorter rest waits for more bytes or `flush`. */
  push(bytes: Uint8Array): Uint8Array[] {
    if (!this.size) return bytes.length > 0 ? [bytes] : [];
    const joined = new Uint8Array(this.pending.length + bytes.length);
    joined.set(this.pending);
    joined.set(bytes, this.pending.length);
    const pieces: Uint8Array[] = [];
    let offset = 0;
    while (joined.length - offset >= this.size) {
      pieces.push(joined.slice(offset, offset + this.size));
      offset += this.size;
    }
    this.pending = joined.slice(offset);
    return pieces;
  }

  /** The shorter rest, written before any pause so the client is never left waiting on it. */
  flush(): Uint8Array[] {
    const rest = this.pending;
    this.pending = new Uint8Array(0);
    return rest.length > 0 ? [rest] : [];
  }
}
