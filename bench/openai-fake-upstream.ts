/**
 * An OpenAI-compatible chat upstream that answers at once, for measuring a general-purpose
 * gateway (Portkey) under the same client load as ours. The answer has as many word tokens as
 * the simulator's: the default short answer, or FAKE_LONG_TOKENS words when the last message
 * contains "[long]". Streaming answers send one chunk per token, then `[DONE]`.
 */
const LONG_TOKENS = Number(process.env.FAKE_LONG_TOKENS || 400);

function answerTokens(message: string): string[] {
  if (message.includes('[long]')) return Array.from({ length: LONG_TOKENS }, (_, index) => ` word${index}`);
  const text = `Hello from the Grok simulator (mode fast). You said: ${message}. 你好，世界 👋`;
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

const encoder = new TextEncoder();

const fakeUpstream = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  idleTimeout: 255,
  async fetch(request) {
    const body = (await request.json()) as { model?: string; stream?: boolean; messages?: { content?: unknown }[] };
    const last = body.messages?.at(-1)?.content;
    const tokens = answerTokens(typeof last === 'string' ? last : '');
    const id = `chatcmpl-${crypto.randomUUID()}`;
    const created = Math.floor(Date.now() / 1000);
    const model = body.model ?? 'fake';
    const usage = { prompt_tokens: 12, completion_tokens: tokens.length, total_tokens: 12 + tokens.length };
    if (!body.stream) {
      const message = { role: 'assistant', content: tokens.join('') };
      const completion = {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message, finish_reason: 'stop' }],
        usage,
      };
      return Response.json(completion);
    }
    const chunk = (delta: object, finish: string | null) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    let text = chunk({ role: 'assistant', content: '' }, null);
    for (const token of tokens) text += chunk({ content: token }, null);
    text += chunk({}, 'stop');
    text += 'data: [DONE]\n\n';
    return new Response(encoder.encode(text), {
      headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
    });
  },
});
console.log(`openai fake upstream listening on http://127.0.0.1:${fakeUpstream.port}`);
