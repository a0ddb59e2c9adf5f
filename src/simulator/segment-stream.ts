import { abortableSleep } from './abortable-sleep';
import type { ActiveStreams } from './active-streams';
import { ByteChunker } from './byte-chunker';

/** A stalled stream holds its socket this long unless the client gives up first. */
const STALL_MS = 5 * 60 * 1000;

export interface StreamPacing {
  delayMs: number;
  chunkBytes: number | undefined;
}

/**
 * Writes already-encoded segments as a response body: `delayMs` between segments, optional
 * re-chunking, an optional stall at the end, and no further writes once the client aborts.
 */
export function streamSegments(
  segments: string[],
  pacing: StreamPacing,
  ending: 'close' | 'stall',
  streams: ActiveStreams,
  clientSignal: AbortSignal,
): ReadableStream<Uint8Array> {
  const stop = new AbortController();
  const onClientAbort = () => stop.abort();
  clientSignal.addEventListener('abort', onClientAbort, { once: true });

  const run = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
    const chunker = new ByteChunker(pacing.chunkBytes);
    const encoder = new TextEncoder();
    const write = async (pieces: Uint8Array[]) => {
      for (const piece of pieces) {
        if (stop.signal.aborted) return;
        controller.enqueue(piece);
        // Only a timer turn lets the client read before the next piece arrives (setImmediate lets
        // pieces coalesce under load), so each piece reaches the client as its own read at the
        // price of about a millisecond per piece.
        if (pacing.chunkBytes) await new Promise((resolve) => setTimeout(resolve, 0));
      }
    };
    for (const [index, segment] of segments.entries()) {
      if (stop.signal.aborted) break;
      if (index > 0 && pacing.delayMs > 0) {
        await write(chunker.flush());
        await abortableSleep(pacing.delayMs, stop.signal);
      }
      await write(chunker.push(encoder.encode(segment)));
    }
    await write(chunker.flush());
    if (ending === 'stall') await abortableSleep(STALL_MS, stop.signal);
    if (stop.signal.aborted) controller.error(new Error('stream stopped'));
    else controller.close();
  };

  return new ReadableStream<Uint8Array>({
    start(controller) {
      const release = streams.open(() => stop.abort());
      run(controller)
        .catch(() => {
          // The client went away between our check and the write; nothing is left to tell.
        })
        .finally(() => {
          release();
          clientSignal.removeEventListener('abort', onClientAbort);
        });
    },
    cancel() {
      stop.abort();
    },
  });
}
