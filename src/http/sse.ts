/** Server-sent events framing for OpenAI-style streams. */

const encoder = new TextEncoder();

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
} as const;

export const sseData = (value: unknown): Uint8Array => encoder.encode(`data: ${JSON.stringify(value)}\n\n`);

/** Several `data:` events, each given as its JSON text, in one buffer: one encoding per client write. */
export const sseDataTexts = (jsonTexts: readonly string[]): Uint8Array => {
  let text = '';
  for (const json of jsonTexts) text += `data: ${json}\n\n`;
  return encoder.encode(text);
};

export const sseEvent = (event: string, value: unknown): Uint8Array =>
  encoder.encode(`event: ${event}\ndata: ${JSON.stringify(value)}\n\n`);

export const SSE_DONE = encoder.encode('data: [DONE]\n\n');

/** A comment line: ignored by clients, keeps proxies from closing an idle connection. */
export const SSE_KEEPALIVE = encoder.encode(': keep-alive\n\n');
