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

/** A chat chunk counts once its delta carries content, reasoning or a tool call. */
export function carriesToken(eventText: string): boolean {
  for (const line of eventText.split('\n')) {
    if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
    try {
      const chunk: unknown = JSON.parse(line.slice(6));
      const choices = (chunk as { choices?: unknown }).choices;
      if (!Array.isArray(choices)) continue;
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
        if (!sawToken && carriesToken(decoder.decode(value))) {
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
