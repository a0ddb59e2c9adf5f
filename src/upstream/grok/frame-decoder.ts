import { UpstreamError } from '../errors';

/**
 * Bytes → JSON values. Grok streams NDJSON, but captures also show `data:`-prefixed SSE lines and
 * objects glued together with no separator (docs/upstream-protocol.md §7.5). Scanning for
 * balanced top-level `{…}` handles all three, and whatever lies between objects (`data:`,
 * `event:` lines, `[DONE]`, blank lines) is skipped.
 *
 * The scan works on bytes: `{`, `}`, `"` and `\` are ASCII and never occur inside a multi-byte
 * UTF-8 sequence, so a character split across reads is only decoded once its object is complete.
 */

export const MAX_FRAME_BYTES = 8 * 1024 * 1024;

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export class FrameDecoder {
  private readonly maxFrameBytes: number;
  private readonly textDecoder = new TextDecoder('utf-8', { fatal: false });
  /** Bytes of the object being collected, across reads. */
  private pieces: Uint8Array[] = [];
  private pendingLength = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;

  constructor(options: { maxFrameBytes?: number } = {}) {
    this.maxFrameBytes = options.maxFrameBytes ?? MAX_FRAME_BYTES;
  }

  /** Feeds one read; returns every object completed by it, in order. */
  push(chunk: Uint8Array): unknown[] {
    const values: unknown[] = [];
    let objectStart = this.depth > 0 ? 0 : -1;
    for (let index = 0; index < chunk.length; index++) {
      const byte = chunk[index];
      if (this.depth === 0) {
        if (byte === OPEN_BRACE) {
          this.depth = 1;
          objectStart = index;
        }
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (byte === BACKSLASH) this.escaped = true;
        else if (byte === QUOTE) this.inString = false;
        continue;
      }
      if (byte === QUOTE) this.inString = true;
      else if (byte === OPEN_BRACE) this.depth++;
      else if (byte === CLOSE_BRACE && --this.depth === 0) {
        const tail = chunk.subarray(objectStart, index + 1);
        if (this.pieces.length === 0) {
          // The whole object is in this read: parsed from it directly, no copy.
          this.checkLength(tail.length);
          values.push(this.parseObject(tail));
        } else {
          this.append(tail);
          values.push(this.takeObject());
        }
        objectStart = -1;
      }
    }
    if (this.depth > 0) this.append(chunk.subarray(objectStart));
    return values;
  }

  /** The body ended: anything half-read means the stream was cut. */
  end(): void {
    if (this.depth > 0) {
      const length = this.pendingLength;
      this.reset();
      throw new UpstreamError({
        code: 'stream_truncated',
        message: `chat stream: the body ended inside a JSON object (${length} bytes unread)`,
        // Bytes of this answer may already have reached the client; the caller decides failover.
        retryable: false,
        accountEffect: 'none',
      });
    }
  }

  private append(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.pendingLength += bytes.length;
    this.checkLength(this.pendingLength);
    // The read buffer may be reused by the stream, so keep a copy.
    this.pieces.push(bytes.slice());
  }

  private checkLength(length: number): void {
    if (length > this.maxFrameBytes) {
      this.reset();
      throw new UpstreamError({
        code: 'bad_response',
        message: `chat stream: one JSON object is larger than ${this.maxFrameBytes} bytes`,
        retryable: false,
        accountEffect: 'none',
      });
    }
  }

  private takeObject(): unknown {
    const bytes = this.pieces.length === 1 ? this.pieces[0]! : concatenate(this.pieces, this.pendingLength);
    this.reset();
    return this.parseObject(bytes);
  }

  private parseObject(bytes: Uint8Array): unknown {
    const text = this.textDecoder.decode(bytes);
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new UpstreamError({
        code: 'bad_response',
        message: 'chat stream: a frame is not valid JSON',
        retryable: false,
        accountEffect: 'none',
        cause: error,
      });
    }
  }

  private reset(): void {
    this.pieces = [];
    this.pendingLength = 0;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
  }
}

function concatenate(pieces: Uint8Array[], length: number): Uint8Array {
  return Buffer.concat(pieces, length);
}

/** Convenience for tests and one-shot bodies: decodes a whole byte iterable. */
export async function* decodeFrames(
  chunks: AsyncIterable<Uint8Array>,
  options?: { maxFrameBytes?: number },
): AsyncGenerator<unknown> {
  const decoder = new FrameDecoder(options);
  for await (const chunk of chunks) yield* decoder.push(chunk);
  decoder.end();
}
