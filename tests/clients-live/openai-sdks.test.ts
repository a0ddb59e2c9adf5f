import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import {
  clientVersion,
  importClient,
  offersTool,
  saveFixture,
  ONE_SUPER_ACCOUNT,
  startClientStack,
  toolCallAnswer,
  type ClientStack,
  type RecordedRequest,
  type Responder,
} from './harness';

/**
 * Agent SDKs on the OpenAI dialect: `@openai/agents` with its chat-completions and Responses
 * models, and `@langchain/openai` (`bindTools`, streaming, `useResponsesApi`), each a 4-step tool
 * loop (three calls of a tool, then the answer).
 */

const versions = { agents: clientVersion('@openai/agents'), langchain: clientVersion('@langchain/openai') };
let stack: ClientStack;
let z: any;
const recorded: Record<'agents' | 'langchain', RecordedRequest[][]> = { agents: [], langchain: [] };

beforeAll(async () => {
  console.log(
    `@openai/agents ${versions.agents}, @langchain/openai ${versions.langchain}`,
    `(@langchain/core ${clientVersion('@langchain/core')})`,
  );
  stack = await startClientStack(ONE_SUPER_ACCOUNT);
  z = (await importClient('zod')).z;
});
afterAll(async () => {
  saveFixture({ client: '@openai/agents', version: versions.agents, sessions: recorded.agents });
  saveFixture({ client: '@langchain/openai', version: versions.langchain, sessions: recorded.langchain });
  await stack.stop();
});
beforeEach(() => {
  stack.harness.simulator.reset();
  stack.requests.length = 0;
  stack.respond = fourSteps();
});

/** Requests that offer record_step get calls for steps 1, 2 and 3, then the answer. */
function fourSteps(): Responder {
  let step = 0;
  return (request) => {
    if (!offersTool(request, 'record_step')) return undefined;
    step += 1;
    return step <= 3 ? toolCallAnswer('record_step', { step }, `Step ${step}.\n`) : 'All three steps recorded.';
  };
}

const prompt = 'Record steps 1, 2 and 3, one call each, then summarise.';

describe(`@openai/agents ${versions.agents}`, () => {
  for (const kind of ['chat', 'responses'] as const) {
    for (const streaming of [false, true]) {
      test(`${kind} model: a 4-step tool loop${streaming ? ', streamed' : ''}`, async () => {
        const agents = await importClient('@openai/agents');
        const OpenAI = (await importClient('openai')).default;
        agents.setTracingDisabled(true);
        const client = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: stack.apiKey, maxRetries: 0 });
        const model =
          kind === 'chat'
            ? new agents.OpenAIChatCompletionsModel(client, 'grok-4.1-fast')
            : new agents.OpenAIResponsesModel(client, 'grok-4.1-fast');
        const seen: number[] = [];
        const recordStep = agents.tool({
          name: 'record_step',
          description: 'Records that a step happened.',
          parameters: z.object({ step: z.number() }),
          execute: async ({ step }: { step: number }) => {
            seen.push(step);
            return `recorded ${step}`;
          },
        });
        const agent = new agents.Agent({ name: 'Recorder', instructions: 'Use the tool.', model, tools: [recordStep] });
        let finalOutput: string;
        if (streaming) {
          const result = await agents.run(agent, prompt, { stream: true });
          for await (const _event of result) {
            // drain the stream
          }
          await result.completed;
          finalOutput = result.finalOutput;
        } else {
          finalOutput = (await agents.run(agent, prompt)).finalOutput;
        }
        recorded.agents.push([...stack.requests]);
        expect(seen).toEqual([1, 2, 3]);
        expect(finalOutput).toContain('All three steps recorded.');
        expect(stack.requests.filter((request) => request.path.startsWith('/v1/'))).toHaveLength(4);
        expect(stack.requests.every((request) => request.status === 200)).toBe(true);
      });
    }
  }
});

describe(`@langchain/openai ${versions.langchain}`, () => {
  for (const useResponsesApi of [false, true]) {
    for (const streaming of [false, true]) {
      const api = useResponsesApi ? 'useResponsesApi' : 'chat completions';
      test(`bindTools, ${api}: a 4-step tool loop${streaming ? ', streamed' : ''}`, async () => {
        const { ChatOpenAI } = await importClient('@langchain/openai');
        const { HumanMessage, ToolMessage } = await importClient('@langchain/core/messages');
        const chat = new ChatOpenAI({
          model: 'grok-4.1-fast',
          apiKey: stack.apiKey,
          configuration: { baseURL: `${stack.url}/v1` },
          useResponsesApi,
          maxRetries: 0,
        });
        const bound = chat.bindTools([
          {
            type: 'function',
            function: {
              name: 'record_step',
              description: 'Records that a step happened.',
              parameters: { type: 'object', properties: { step: { type: 'number' } }, required: ['step'] },
            },
          },
        ]);
        const messages: unknown[] = [new HumanMessage(prompt)];
        const seen: number[] = [];
        let answer:
          | { content: unknown; tool_calls?: { id: string; name: string; args: { step: number } }[] }
          | undefined;
        for (let turn = 0; turn < 4; turn++) {
          if (streaming) {
            let merged: any;
            for await (const chunk of await bound.stream(messages)) merged = merged ? merged.concat(chunk) : chunk;
            answer = merged;
          } else {
            answer = await bound.invoke(messages);
          }
          messages.push(answer);
          for (const call of answer!.tool_calls ?? []) {
            seen.push(call.args.step);
            messages.push(new ToolMessage({ tool_call_id: call.id, content: `recorded ${call.args.step}` }));
          }
        }
        recorded.langchain.push([...stack.requests]);
        expect(seen).toEqual([1, 2, 3]);
        const text = typeof answer!.content === 'string' ? answer!.content : JSON.stringify(answer!.content);
        expect(text).toContain('All three steps recorded.');
        expect(stack.requests.every((request) => request.status === 200)).toBe(true);
      });
    }
  }
});
