/**
 * Watches an SSE body on its way out without changing it: tells when the first chunk with
 * generated content passed (time to first token) and when the stream ended, however it ended.
 * Pull-driven like the body it wraps, so it adds no buffering and a client abort still cancels
 * the source (which stops the upstream read).
 */

export interface StreamWatch {
  onFirstToken(): void;
  onEnd(): void;
}

const decoder = new TextDecoder();
const NEWLINE = 0x0a;
const DATA_PREFIX = [...'data: '].map((character) => character.charCodeAt(0));

/**
 * A chat chunk counts once its delta carries content, reasoning or a tool call. Read line by line
 * from the body chunk's bytes: only the `data:` lines up to the first one that carries a token are
 * decoded and parsed, not the whole chunk (over the WebSocket transport one body chunk holds a
 * batch of frames, up to hundreds of lines: decoding and splitting it all cost ≈ 25 µs at 400).
 */
function bytesCarryToken(bytes: Uint8Array): boolean {
  for (let start = 0; start < bytes.length; ) {
    let end = bytes.indexOf(NEWLINE, start);
    if (end < 0) end = bytes.length;
    if (isDataLine(bytes, start, end) && lineCarriesToken(decoder.decode(bytes.subarray(start + 6, end)))) return true;
    start = end + 1;
  }
  return false;
}

function isDataLine(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start < DATA_PREFIX.length) return false;
  for (let index = 0; index < DATA_PREFIX.length; index++)
    if (bytes[start + index] !== DATA_PREFIX[index]) return false;
  return true;
}

function lineCarriesToken(data: string): boolean {
  if (data === '[DONE]') return false;
  try {
    const chunk: unknown = JSON.parse(data);
    const choices = (chunk as { choices?: unknown } | null)?.choices;
    if (!Array.isArray(choices)) return false;
    for (const choice of choices) {
      const delta = (choice as { delta?: Record<string, unknown> } | null)?.delta;
      if (!delta) continue;
      if (
        (typeof delta.content === 'string' && delta.content !== '') ||
        (typeof delta.reasoning_content === 'string' && delta.reasoning_content !== '')
      )
        return true;
      if (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) return true;
    }
  } catch {
    // Not JSON (an error event's shape is checked by the chat code, not here).
  }
  return false;
}

export function observeStream(body: ReadableStream<Uint8Array>, watch: StreamWatch): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let sawToken = false;
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    watch.onEnd();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
          end();
          return;
        }
        if (!sawToken && bytesCarryToken(value)) {
          sawToken = true;
          watch.onFirstToken();
        }
        controller.enqueue(value);
      } catch (error) {
        end();
        controller.error(error);
      }
    },
    async cancel(reason) {
      end();
      await reader.cancel(reason);
    },
  });
}
