import type { Frame } from './chat-frames';
import type { Framing } from './types';

// The three framings seen in captures (§7.5). A gateway parser must survive all of them.

export function encodeFrame(frame: Frame, framing: Framing): string {
  const json = JSON.stringify(frame);
  if (framing === 'sse') return `data: ${json}\n\n`;
  if (framing === 'concatenated') return json;
  return `${json}\n`;
}

/** The first half of a frame's JSON: what a connection cut mid-object delivers. */
export function encodeTruncatedFrame(frame: Frame, framing: Framing): string {
  const json = JSON.stringify(frame);
  let end = Math.floor(json.length / 2);
  // Never leave half a surrogate pair: the cut should break JSON, not the text encoding.
  if (/[\uD800-\uDBFF]/.test(json.charAt(end - 1))) end -= 1;
  const half = json.slice(0, end);
  return framing === 'sse' ? `data: ${half}` : half;
}

export function streamTrailer(framing: Framing): string {
  return framing === 'sse' ? 'data: [DONE]\n\n' : '';
}

export function streamContentType(framing: Framing): string {
  return framing === 'sse' ? 'text/event-stream; charset=utf-8' : 'application/json; charset=utf-8';
}
