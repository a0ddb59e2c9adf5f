import { afterEach, describe, expect, test } from 'bun:test';
import { rmSync } from 'node:fs';
import { CHAT_TRANSPORTS, startHarness, type Harness } from '../helpers/gateway-harness';

let harness: Harness | null = null;
afterEach(async () => {
  await harness?.stop();
  harness = null;
});

const streamRequest = (h: Harness) =>
  h.api('/v1/chat/completions', {
    method: 'POST',
    body: JSON.stringify({ model: 'grok-4.1-fast', messages: [{ role: 'user', content: 'x' }], stream: true }),
  });

describe.each(CHAT_TRANSPORTS)('stream lifecycle over %s', (transport) => {
  test('keep-alive comments flow while the upstream is silent', async () => {
    harness = await startHarness({
      transport,
      simulator: { tokenDelayMs: 300 },
      env: { GROK2API_CHAT_KEEPALIVE_INTERVAL: '0.1' },
    });
    harness.simulator.script({ answerTokens: ['one', ' two'] });
    const raw = await (await streamRequest(harness)).text();
    expect(raw).toContain(': keep-alive\n\n');
    // The stream's one keep-alive timer is re-armed after it fired: several silences, several comments.
    expect(raw.split(': keep-alive\n\n').length - 1).toBeGreaterThanOrEqual(2);
    expect(raw.trimEnd().endsWith('data: [DONE]')).toBe(true);
    const text = raw
      .split('\n\n')
      .filter((event) => event.startsWith('data: {'))
      .map(
        (event) =>
          (JSON.parse(event.slice(6)) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ??
          '',
      )
      .join('');
    expect(text).toBe('one two');
  });

  test('graceful shutdown lets a running stream finish', async () => {
    harness = await startHarness({ transport, simulator: { tokenDelayMs: 100 } });
    harness.simulator.script({ answerTokens: ['a', 'b', 'c', 'd', 'e'] });
    const response = await streamRequest(harness);
    const body = response.text();
    const stopped = harness.server.stop(10_000);
    const raw = await body;
    await stopped;
    expect(raw).toContain('"finish_reason":"stop"');
    expect(raw.trimEnd().endsWith('data: [DONE]')).toBe(true);
    // New connections are refused once the server has stopped.
    const refused = await fetch(`${harness.server.url}/health`).then(
      () => false,
      () => true,
    );
    expect(refused).toBe(true);
    const { simulator, dataDir } = harness;
    harness = null;
    await simulator.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
});
