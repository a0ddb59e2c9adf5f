import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import Anthropic from '@anthropic-ai/sdk';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, jsonSchema, stepCountIs, streamText, tool } from 'ai';
import type OpenAI from 'openai';
import { API_KEY, chatCalls, startHarness, type Harness } from '../helpers/gateway-harness';

/**
 * A scripted agent: the model calls `read_page` five times (pages 1..5), each time after seeing
 * the previous result, then answers. Run through each client API with its real SDK; the
 * simulator is scripted turn by turn and records what the gateway sent upstream.
 */

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({ accounts: [{ token: 'account-basic-1', tier: 'basic' }] });
});
afterAll(() => harness.stop());
beforeEach(() => harness.simulator.reset());

const ROUND_TRIPS = 5;
const pageSchema = { type: 'object', properties: { page: { type: 'integer' } }, required: ['page'] };
const pageContent = (page: number) => `content of page ${page}`;

function scriptAgent(): void {
  for (let page = 1; page <= ROUND_TRIPS; page++) {
    harness.simulator.script({
      answerTokens: [
        `Reading page ${page}.\n<tool_`,
        `call>{"name":"read_page","arguments":{"page":${page}}}</tool_call>`,
      ],
    });
  }
  harness.simulator.script({ answer: 'I read all five pages.' });
}

/** Upstream turn k (0-based) must carry the results of the k earlier calls. */
function expectHistoryUpstream(): void {
  const calls = chatCalls(harness.simulator);
  expect(calls).toHaveLength(ROUND_TRIPS + 1);
  calls.forEach((call, turn) => {
    const message = (call.body as { message: string }).message;
    expect(message).toContain('### read_page');
    for (let page = 1; page <= ROUND_TRIPS; page++) {
      if (page <= turn) expect(message).toContain(pageContent(page));
      else expect(message).not.toContain(pageContent(page));
    }
  });
}

describe(`agent loop of ${ROUND_TRIPS} tool round-trips`, () => {
  test('Vercel AI SDK generateText over several steps (openai-compatible provider)', async () => {
    scriptAgent();
    const provider = createOpenAICompatible({ name: 'grok2api', baseURL: `${harness.server.url}/v1`, apiKey: API_KEY });
    const pagesRead: number[] = [];
    const result = await generateText({
      model: provider.chatModel('grok-4.1-fast'),
      prompt: 'Read pages 1 to 5, one at a time.',
      tools: {
        read_page: tool({
          description: 'Reads one page',
          inputSchema: jsonSchema<{ page: number }>(pageSchema as never),
          execute: async ({ page }) => {
            pagesRead.push(page);
            return pageContent(page);
          },
        }),
      },
      stopWhen: stepCountIs(ROUND_TRIPS + 3),
    });
    expect(pagesRead).toEqual([1, 2, 3, 4, 5]);
    expect(result.steps).toHaveLength(ROUND_TRIPS + 1);
    expect(result.text).toBe('I read all five pages.');
    expect(result.finishReason).toBe('stop');
    expectHistoryUpstream();
  });

  test('Vercel AI SDK streamText over several steps (streamed tool-call deltas)', async () => {
    scriptAgent();
    const provider = createOpenAICompatible({ name: 'grok2api', baseURL: `${harness.server.url}/v1`, apiKey: API_KEY });
    const pagesRead: number[] = [];
    const result = streamText({
      model: provider.chatModel('grok-4.1-fast'),
      prompt: 'Read pages 1 to 5, one at a time.',
      tools: {
        read_page: tool({
          inputSchema: jsonSchema<{ page: number }>(pageSchema as never),
          execute: async ({ page }) => {
            pagesRead.push(page);
            return pageContent(page);
          },
        }),
      },
      stopWhen: stepCountIs(ROUND_TRIPS + 3),
    });
    let streamed = '';
    for await (const delta of result.textStream) streamed += delta;
    expect(pagesRead).toEqual([1, 2, 3, 4, 5]);
    expect(await result.text).toBe('I read all five pages.');
    expect(streamed).toContain('Reading page 3.');
    expect(streamed).not.toContain('tool_call');
    expectHistoryUpstream();
  });

  test('chat completions (openai SDK)', async () => {
    scriptAgent();
    const tools: OpenAI.Chat.ChatCompletionTool[] = [
      { type: 'function', function: { name: 'read_page', parameters: pageSchema } },
    ];
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Read pages 1 to 5.' }];
    for (let turn = 0; turn <= ROUND_TRIPS; turn++) {
      const completion = await harness.client.chat.completions.create({ model: 'grok-4.1-fast', messages, tools });
      const message = completion.choices[0]!.message;
      messages.push(message);
      if (!message.tool_calls?.length) break;
      for (const call of message.tool_calls) {
        if (call.type !== 'function') continue;
        messages.push({
          role: 'tool',
          tool_call_id: call.id,
          content: pageContent(JSON.parse(call.function.arguments).page),
        });
      }
    }
    expect(messages.at(-1)).toMatchObject({ role: 'assistant', content: 'I read all five pages.' });
    expectHistoryUpstream();
  });

  test('Responses API with previous_response_id (openai SDK, streaming)', async () => {
    scriptAgent();
    const tools: OpenAI.Responses.Tool[] = [
      { type: 'function', name: 'read_page', parameters: pageSchema, strict: false },
    ];
    let previous: string | undefined;
    let input: OpenAI.Responses.ResponseInput = [{ role: 'user', content: 'Read pages 1 to 5.' }];
    let finalText = '';
    for (let turn = 0; turn <= ROUND_TRIPS; turn++) {
      const stream = await harness.client.responses.create({
        model: 'grok-4.1-fast',
        input,
        tools,
        previous_response_id: previous,
        stream: true,
      });
      let response: OpenAI.Responses.Response | undefined;
      for await (const event of stream) if (event.type === 'response.completed') response = event.response;
      previous = response!.id;
      const calls = response!.output.filter((item) => item.type === 'function_call');
      if (calls.length === 0) {
        finalText = response!.output_text;
        break;
      }
      input = calls.map((call) => ({
        type: 'function_call_output' as const,
        call_id: call.call_id,
        output: pageContent(JSON.parse(call.arguments).page),
      }));
    }
    expect(finalText).toBe('I read all five pages.');
    expectHistoryUpstream();
  });

  test('Anthropic Messages (@anthropic-ai/sdk)', async () => {
    scriptAgent();
    const client = new Anthropic({ baseURL: harness.server.url, apiKey: API_KEY, maxRetries: 0 });
    const tools: Anthropic.Tool[] = [{ name: 'read_page', input_schema: pageSchema as Anthropic.Tool.InputSchema }];
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Read pages 1 to 5.' }];
    let final: Anthropic.Message | undefined;
    for (let turn = 0; turn <= ROUND_TRIPS; turn++) {
      const message = await client.messages.create({ model: 'grok-4.1-fast', max_tokens: 1024, messages, tools });
      messages.push({ role: 'assistant', content: message.content });
      if (message.stop_reason !== 'tool_use') {
        final = message;
        break;
      }
      messages.push({
        role: 'user',
        content: message.content.flatMap((block) =>
          block.type === 'tool_use'
            ? [
                {
                  type: 'tool_result' as const,
                  tool_use_id: block.id,
                  content: pageContent((block.input as { page: number }).page),
                },
              ]
            : [],
        ),
      });
    }
    expect(final?.content).toEqual([{ type: 'text', text: 'I read all five pages.' }] as never);
    expectHistoryUpstream();
  });
});
