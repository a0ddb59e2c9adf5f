import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import {
  CLIENTS_DIR,
  clientVersion,
  importClient,
  saveFixture,
  startClientStack,
  type ClientStack,
  type RecordedRequest,
} from './harness';

/**
 * The `@anthropic-ai/sdk` release installed by `npm run test:clients` (not the repository's own
 * devDependency): its tool runner doing a full tool loop (call, local run, result, final answer),
 * streamed and not, plus a loop over the Anthropic-defined bash tool. Requests are saved as a
 * fixture for tests/clients/anthropic-replay.test.ts.
 */

const PACKAGE = '@anthropic-ai/sdk';

let stack: ClientStack;
let version: string;
// The installed SDK, loaded from the clients folder; typed loosely as its version may differ from ours.
let sdk: { default: new (options: object) => any; helpers?: unknown };
let betaTool: (options: object) => unknown;

const call = (name: string, args: object) =>
  `<tool_call>{"name":"${name}","arguments":${JSON.stringify(args)}}</tool_call>`;

describe.skipIf(!CLIENTS_DIR)('@anthropic-ai/sdk tool loop', () => {
  const sessions: RecordedRequest[][] = [];

  beforeAll(async () => {
    version = clientVersion(PACKAGE);
    console.log(`${PACKAGE} ${version}`);
    sdk = await importClient(PACKAGE);
    ({ betaTool } = await importClient(`${PACKAGE}/helpers/beta/json-schema`));
    stack = await startClientStack();
  });

  afterAll(async () => {
    saveFixture({ client: 'anthropic-sdk', version, sessions });
    await stack?.stop();
  });

  const client = () => new sdk.default({ baseURL: stack.url, apiKey: stack.apiKey, maxRetries: 0, timeout: 30_000 });

  for (const stream of [false, true]) {
    test(`toolRunner (${stream ? 'streamed' : 'not streamed'}): the tool runs locally and the answer uses its result`, async () => {
      stack.requests.length = 0;
      stack.harness.simulator.reset();
      stack.harness.simulator.script({ answer: `Let me check. ${call('get_weather', { city: 'Rome' })}` });
      stack.harness.simulator.script({ answer: 'It is 25C and sunny in Rome.' });
      const ran: string[] = [];
      const weather = betaTool({
        name: 'get_weather',
        description: 'Current weather for a city',
        inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        run: ({ city }: { city: string }) => {
          ran.push(city);
          return '25C, sunny';
        },
      });
      const runner = client().beta.messages.toolRunner({
        model: 'claude-sonnet-4-5',
        max_tokens: 1024,
        stream,
        tools: [weather],
        messages: [{ role: 'user', content: 'Weather in Rome?' }],
      });
      const final = await runner.runUntilDone().finally(() => sessions.push([...stack.requests]));
      expect(ran).toEqual(['Rome']);
      expect(final.stop_reason).toBe('end_turn');
      expect(final.content.at(-1)).toMatchObject({ type: 'text', text: 'It is 25C and sunny in Rome.' });
      const second = stack.requests.filter((request) => request.path.startsWith('/v1/messages')).at(-1)!.body as {
        messages: object[];
      };
      expect(JSON.stringify(second.messages)).toContain('"tool_result"');
    });
  }

  test('the Anthropic-defined bash tool: offered, called by name, result sent back', async () => {
    stack.requests.length = 0;
    stack.harness.simulator.reset();
    stack.harness.simulator.script({ answer: call('bash', { command: 'ls' }) });
    stack.harness.simulator.script({ answer: 'The folder holds notes.txt.' });
    const messages: object[] = [{ role: 'user', content: 'What is in the folder?' }];
    const tools = [{ type: 'bash_20250124', name: 'bash' }];
    const first = await client().beta.messages.create({ model: 'grok-4.1-fast', max_tokens: 512, tools, messages });
    const toolUse = first.content.find((block: { type: string }) => block.type === 'tool_use');
    expect(toolUse).toMatchObject({ name: 'bash', input: { command: 'ls' } });
    messages.push({ role: 'assistant', content: first.content });
    messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: 'notes.txt' }] });
    const second = await client()
      .beta.messages.create({ model: 'grok-4.1-fast', max_tokens: 512, tools, messages, stream: false })
      .finally(() => sessions.push([...stack.requests]));
    expect(second.content).toEqual([{ type: 'text', text: 'The folder holds notes.txt.' }]);
  });
});
