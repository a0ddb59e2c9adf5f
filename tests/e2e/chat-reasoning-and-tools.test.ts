import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { CHAT_TRANSPORTS, sentTurns, startHarness, type Harness } from '../helpers/gateway-harness';

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

describe.each(CHAT_TRANSPORTS)('over %s', (transport) => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({ accounts: [{ token: 'account-basic-1', tier: 'basic' }], transport });
  });
  afterAll(() => harness.stop());

  describe('reasoning', () => {
    test('non-streaming: reasoning_content, never inside content', async () => {
      harness.simulator.script({ thinking: 'Adding two and two.', answer: 'It is 4.' });
      const completion = await harness.client.chat.completions.create({
        model: 'grok-4.1-thinking',
        messages: [{ role: 'user', content: '2+2?' }],
      });
      const message = completion.choices[0]!.message as { content: string; reasoning_content?: string };
      expect(message.content).toBe('It is 4.');
      expect(message.reasoning_content).toBe('Adding two and two.');
      expect(completion.usage!.completion_tokens_details?.reasoning_tokens).toBeGreaterThan(0);
    });

    test('streaming: reasoning deltas come before content deltas', async () => {
      harness.simulator.script({ thinking: 'Adding two and two.', answer: 'It is 4.' });
      const stream = await harness.client.chat.completions.create({
        model: 'grok-4.1-thinking',
        messages: [{ role: 'user', content: '2+2?' }],
        stream: true,
      });
      let reasoning = '';
      let content = '';
      let contentBeforeReasoningEnded = false;
      for await (const chunk of stream) {
        const delta = chunk.choices[0]?.delta as { content?: string; reasoning_content?: string } | undefined;
        if (delta?.reasoning_content) {
          if (content) contentBeforeReasoningEnded = true;
          reasoning += delta.reasoning_content;
        }
        content += delta?.content ?? '';
      }
      expect(reasoning).toBe('Adding two and two.');
      expect(content).toBe('It is 4.');
      expect(contentBeforeReasoningEnded).toBe(false);
    });

    test('reasoning_effort "none" hides the reasoning', async () => {
      harness.simulator.script({ thinking: 'secret musing', answer: 'Answer.' });
      const completion = await harness.client.chat.completions.create({
        model: 'grok-4.1-thinking',
        messages: [{ role: 'user', content: 'x' }],
        reasoning_effort: 'none' as never,
      });
      const message = completion.choices[0]!.message as { content: string; reasoning_content?: string };
      expect(message.content).toBe('Answer.');
      expect(message.reasoning_content).toBeUndefined();
    });

    test('chat.reasoning_output = think_tags puts reasoning in <think> tags (hot reload)', async () => {
      const update = await harness.admin('/v1/admin/config', {
        method: 'POST',
        body: JSON.stringify({ chat: { reasoning_output: 'think_tags' } }),
      });
      expect(update.status).toBe(200);
      try {
        harness.simulator.script({ thinking: 'hmm', answer: 'Done.' });
        const stream = await harness.client.chat.completions.create({
          model: 'grok-4.1-thinking',
          messages: [{ role: 'user', content: 'x' }],
          stream: true,
        });
        let content = '';
        for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? '';
        expect(content).toBe('<think>\nhmm\n</think>\nDone.');
      } finally {
        await harness.admin('/v1/admin/config', {
          method: 'POST',
          body: JSON.stringify({ chat: { reasoning_output: 'reasoning_content' } }),
        });
      }
    });

    test('a bad config value is refused with the key named, and nothing changes', async () => {
      const update = await harness.admin('/v1/admin/config', {
        method: 'POST',
        body: JSON.stringify({ chat: { reasoning_output: 'loud' } }),
      });
      expect(update.status).toBe(400);
      const body = (await update.json()) as { error: { message: string } };
      expect(body.error.message).toContain('chat.reasoning_output');
      const current = (await (await harness.admin('/v1/admin/config')).json()) as {
        chat: { reasoning_output: string };
      };
      expect(current.chat.reasoning_output).toBe('reasoning_content');
    });
  });

  describe('tool calling', () => {
    test('non-streaming: a <tool_call> block becomes tool_calls, tags never reach content', async () => {
      harness.simulator.reset();
      harness.simulator.script({
        answer: 'Let me check.\n<tool_call>{"name":"get_weather","arguments":{"city":"Paris"}}</tool_call>',
      });
      const completion = await harness.client.chat.completions.create({
        model: 'grok-4.1-fast',
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
        tools: [weatherTool],
      });
      const choice = completion.choices[0]!;
      expect(choice.finish_reason).toBe('tool_calls');
      expect(choice.message.content ?? '').not.toContain('tool_call');
      expect(choice.message.tool_calls).toHaveLength(1);
      const call = choice.message.tool_calls![0]! as { id: string; function: { name: string; arguments: string } };
      expect(call.id).toMatch(/^call_/);
      expect(call.function.name).toBe('get_weather');
      expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
      const sent = sentTurns(harness.simulator)[0]!.message;
      expect(sent).toContain('get_weather');
      expect(sent).toContain('Weather in Paris?');
    });

    test('streaming: a call split across upstream tokens is streamed as tool_call deltas', async () => {
      harness.simulator.script({
        answerTokens: [
          'Checking',
          ' now.<to',
          'ol_call>{"name":"get_',
          'weather","argu',
          'ments":{"city":"Pa',
          'ris"}}</tool',
          '_call>',
        ],
      });
      const stream = await harness.client.chat.completions.create({
        model: 'grok-4.1-fast',
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
        tools: [weatherTool],
        stream: true,
      });
      let content = '';
      const calls: { id?: string; name: string; arguments: string }[] = [];
      let finishReason: string | null = null;
      for await (const chunk of stream) {
        const choice = chunk.choices[0];
        if (!choice) continue;
        content += choice.delta.content ?? '';
        for (const delta of choice.delta.tool_calls ?? []) {
          calls[delta.index] ??= { name: '', arguments: '' };
          if (delta.id) calls[delta.index]!.id = delta.id;
          calls[delta.index]!.name += delta.function?.name ?? '';
          calls[delta.index]!.arguments += delta.function?.arguments ?? '';
        }
        finishReason = choice.finish_reason ?? finishReason;
      }
      expect(content).toBe('Checking now.');
      expect(calls).toHaveLength(1);
      expect(calls[0]!.id).toMatch(/^call_/);
      expect(calls[0]!.name).toBe('get_weather');
      expect(JSON.parse(calls[0]!.arguments)).toEqual({ city: 'Paris' });
      expect(finishReason).toBe('tool_calls');
    });

    test('tool results are flattened into the next upstream message', async () => {
      harness.simulator.reset();
      harness.simulator.script({ answer: 'It is sunny in Paris.' });
      const completion = await harness.client.chat.completions.create({
        model: 'grok-4.1-fast',
        tools: [weatherTool],
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'call_1', content: '{"sky":"sunny"}' },
        ],
      });
      expect(completion.choices[0]!.message.content).toBe('It is sunny in Paris.');
      expect(completion.choices[0]!.finish_reason).toBe('stop');
      const sent = sentTurns(harness.simulator)[0]!.message;
      expect(sent).toContain('<tool_call>{"name":"get_weather","arguments":{"city":"Paris"}}</tool_call>');
      expect(sent).toContain('call_1');
      expect(sent).toContain('{"sky":"sunny"}');
    });

    test('tool_choice "none" sends no tool prompt and parses nothing', async () => {
      harness.simulator.reset();
      harness.simulator.script({ answer: '<tool_call>{"name":"get_weather","arguments":{}}</tool_call>' });
      const completion = await harness.client.chat.completions.create({
        model: 'grok-4.1-fast',
        messages: [{ role: 'user', content: 'hi' }],
        tools: [weatherTool],
        tool_choice: 'none',
      });
      expect(completion.choices[0]!.message.tool_calls ?? []).toHaveLength(0);
      expect(sentTurns(harness.simulator)[0]!.message).toBe('[user]\nhi');
    });
  });
});
