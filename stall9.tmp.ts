import { startHarness } from './tests/helpers/gateway-harness';
const h = await startHarness({ env: { GROK2API_CHAT_STREAM_TIMEOUT: '2' } });
for (const stream of [true, false]) for (const after of [0, 1, 3]) {
  h.simulator.enqueueFault({ kind: 'stall', afterFrames: after });
  const t = performance.now();
  const r = await h.api('/v1/chat/completions', { method: 'POST', body: JSON.stringify({ model: 'grok-4', stream, messages: [{ role: 'user', content: 'x' }] }) });
  const text = await r.text();
  console.log({ stream, after, status: r.status, ms: Math.round(performance.now() - t), tail: text.slice(-150) });
}
await h.stop();
