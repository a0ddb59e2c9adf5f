import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import {
  clientVersion,
  importClient,
  saveFixture,
  ONE_SUPER_ACCOUNT,
  startClientStack,
  toolCallAnswer,
  type ClientStack,
  type RecordedRequest,
} from './harness';

/**
 * The Vercel AI SDK with default settings: `@ai-sdk/openai` `.responses()` (store on, so step 2
 * refers to our stored items by `item_reference`) and `.chat()`, and `@ai-sdk/openai-compatible`,
 * each a 4-step tool loop, non-streaming and streaming.
 */

const versions = {
  ai: clientVersion('ai'),
  openai: clientVersion('@ai-sdk/openai'),
  compatible: clientVersion('@ai-sdk/openai-compatible'),
};
let stack: ClientStack;
let ai: any;
let z: any;
const recorded: Record<string, RecordedRequest[][]> = { openai: [], compatible: [] };

beforeAll(async () => {
  console.log(`ai ${versions.ai}, @ai-sdk/openai ${versions.openai}, @ai-sdk/openai-compatible ${versions.compatible}`);
  stack = await startClientStack(ONE_SUPER_ACCOUNT);
  ai = await importClient('ai');
  z = (await importClient('zod')).z;
});
afterAll(async () => {
  saveFixture({ client: '@ai-sdk/openai', version: versions.openai, sessions: recorded.openai! });
  saveFixture({ client: '@ai-sdk/openai-compatible', version: versions.compatible, sessions: recorded.compatible! });
  await stack.stop();
});
beforeEach(() => {
  stack.harness.simulator.reset();
  stack.requests.length = 0;
});

type ModelFactory = () => Promise<unknown>;

const providers: [string, 'openai' | 'compatible', ModelFactory][] = [
  [
    '@ai-sdk/openai .responses()',
    'openai',
    async () =>
      (await importClient('@ai-sdk/openai'))
        .createOpenAI({ baseURL: `${stack.url}/v1`, apiKey: stack.apiKey })
        .responses('grok-4.1-fast'),
  ],
  [
    '@ai-sdk/openai .chat()',
    'openai',
    async () =>
      (await importClient('@ai-sdk/openai'))
        .createOpenAI({ baseURL: `${stack.url}/v1`, apiKey: stack.apiKey })
        .chat('grok-4.1-fast'),
  ],
  [
    '@ai-sdk/openai-compatible',
    'compatible',
    async () =>
      (await importClient('@ai-sdk/openai-compatible')).createOpenAICompatible({
        name: 'grok2api',
        baseURL: `${stack.url}/v1`,
        apiKey: stack.apiKey,
      })('grok-4.1-fast'),
  ],
];

/** Three tool calls, then the answer: four steps. */
function scriptLoop() {
  for (const step of [1, 2, 3])
    stack.harness.simulator.script({ answer: toolCallAnswer('record_step', { step }, `Step ${step}.\n`) });
  stack.harness.simulator.script({ answer: 'All three steps recorded.' });
}

function recordStepTool(seen: number[]) {
  return ai.tool({
    description: 'Records that a step happened.',
    inputSchema: z.object({ step: z.number() }),
    execute: async ({ step }: { step: number }) => {
      seen.push(step);
      return { recorded: step };
    },
  });
}

describe(`AI SDK ${versions.ai}`, () => {
  for (const [label, fixture, makeModel] of providers) {
    for (const streaming of [false, true]) {
      test(`${label}: a 4-step tool loop (${streaming ? 'streamText' : 'generateText'})`, async () => {
        scriptLoop();
        const seen: number[] = [];
        const options = {
          model: await makeModel(),
          prompt: 'Record steps 1, 2 and 3, one call each, then summarise.',
          tools: { record_step: recordStepTool(seen) },
          stopWhen: ai.stepCountIs(4),
        };
        let text: string;
        let steps: unknown[];
        if (streaming) {
          const result = ai.streamText({
            ...options,
            onError: ({ error }: { error: unknown }) => {
              throw error;
            },
          });
          text = await result.text;
          steps = await result.steps;
        } else {
          const result = await ai.generateText(options);
          text = result.text;
          steps = result.steps;
        }
        recorded[fixture]!.push([...stack.requests]);
        expect(seen).toEqual([1, 2, 3]);
        expect(steps).toHaveLength(4);
        expect(text).toContain('All three steps recorded.');
        expect(stack.requests.every((request) => request.status === 200)).toBe(true);
        if (label.includes('responses')) {
          const later = stack.requests.slice(1).map((request) => request.body as { input: { type?: string }[] });
          // Default settings store responses, and the SDK refers back to our items by id.
          expect(later.some((body) => body.input.some((item) => item.type === 'item_reference'))).toBe(true);
        }
      });
    }
  }
});
