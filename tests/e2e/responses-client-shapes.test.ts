import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { chatCalls, startHarness, type Harness } from '../helpers/gateway-harness';

/**
 * The tool and item shapes real clients send to /v1/responses beyond plain function tools:
 * namespace (Codex CLI), custom and local_shell tools, the chat-style nested tool, hosted tools,
 * item_reference (AI SDK with store on), compaction and reasoning items, and the input_items list.
 */

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ accounts: [{ token: 'account-basic-1', tier: 'basic' }] });
});
afterAll(() => harness.stop());
beforeEach(() => harness.simulator.reset());

const call = (name: string, args: object) =>
  `<tool_call>{"name":"${name}","arguments":${JSON.stringify(args)}}</tool_call>`;
const upstreamMessage = (index: number) => (chatCalls(harness.simulator)[index]!.body as { message: string }).message;

type Item = Record<string, any> & { type: string; id: string };
type ResponseBody = {
  id: string;
  output: Item[];
  output_text: string;
  error?: { param: string; code: string; message: string };
};

async function create(
  body: object,
): Promise<{ status: number; ignored: string | null; body: ResponseBody & { error?: any } }> {
  const response = await harness.api('/v1/responses', {
    method: 'POST',
    body: JSON.stringify({ model: 'grok-4.1-fast', ...body }),
  });
  return {
    status: response.status,
    ignored: response.headers.get('x-grok2api-ignored'),
    body: (await response.json()) as never,
  };
}

/** The streamed events; the ignored-header of the last stream is kept in `lastStreamIgnored`. */
let lastStreamIgnored: string | null = null;

async function stream(body: object): Promise<{ type: string; [key: string]: any }[]> {
  const response = await harness.api('/v1/responses', {
    method: 'POST',
    body: JSON.stringify({ model: 'grok-4.1-fast', stream: true, ...body }),
  });
  expect(response.status).toBe(200);
  lastStreamIgnored = response.headers.get('x-grok2api-ignored');
  const text = await response.text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice(6)));
}

const namespaceTool = {
  type: 'namespace',
  name: 'multi_agent_v1',
  description: 'Tools for sub-agents.',
  tools: [
    {
      type: 'function',
      name: 'spawn_agent',
      description: 'Starts an agent.',
      parameters: { type: 'object', properties: { message: { type: 'string' } } },
    },
    {
      type: 'function',
      name: 'close_agent',
      parameters: { type: 'object', properties: { target: { type: 'string' } } },
    },
  ],
};

describe('namespace tools (Codex CLI multi_agent)', () => {
  test('inner tools are offered flattened; a call comes back with name and namespace; the header says so', async () => {
    harness.simulator.script({ answer: call('multi_agent_v1__spawn_agent', { message: 'go' }) });
    const { status, ignored, body } = await create({ input: 'start one', tools: [namespaceTool] });
    expect(status).toBe(200);
    expect(ignored).toContain('tools[0] namespace multi_agent_v1 flattened');
    expect(upstreamMessage(0)).toContain('### multi_agent_v1__spawn_agent');
    expect(upstreamMessage(0)).toContain('### multi_agent_v1__close_agent');
    expect(upstreamMessage(0)).toContain('(multi_agent_v1: Tools for sub-agents.) Starts an agent.');
    const item = body.output.find((entry) => entry.type === 'function_call')!;
    expect(item).toMatchObject({
      name: 'spawn_agent',
      namespace: 'multi_agent_v1',
      arguments: '{"message":"go"}',
      status: 'completed',
    });
  });

  test('streamed, and the call sent back with its namespace continues the conversation', async () => {
    harness.simulator.script({ answer: call('multi_agent_v1__close_agent', { target: 'a1' }) });
    const events = await stream({ input: 'close a1', tools: [namespaceTool], store: false });
    expect(lastStreamIgnored).toBe('tools[0] namespace multi_agent_v1 flattened');
    const added = events.find(
      (event) => event.type === 'response.output_item.added' && event.item.type === 'function_call',
    );
    expect(added!.item).toMatchObject({ name: 'close_agent', namespace: 'multi_agent_v1' });
    const done = events.find(
      (event) => event.type === 'response.output_item.done' && event.item.type === 'function_call',
    )!;
    harness.simulator.script({ answer: 'Closed.' });
    const next = await create({
      tools: [namespaceTool],
      input: [
        { role: 'user', content: 'close a1' },
        {
          type: 'function_call',
          name: 'close_agent',
          namespace: 'multi_agent_v1',
          call_id: done.item.call_id,
          arguments: '{"target":"a1"}',
        },
        { type: 'function_call_output', call_id: done.item.call_id, output: 'closed' },
      ],
    });
    expect(next.status).toBe(200);
    expect(next.body.output_text).toBe('Closed.');
    expect(upstreamMessage(1)).toContain('multi_agent_v1__close_agent');
    expect(upstreamMessage(1)).toContain('closed');
  });
});

test('a custom tool inside a namespace comes back as custom_tool_call with its namespace', async () => {
  harness.simulator.script({ answer: call('editing__apply_patch', { input: 'P' }) });
  const tools = [
    { type: 'namespace', name: 'editing', description: 'Edits.', tools: [{ type: 'custom', name: 'apply_patch' }] },
  ];
  const first = await create({ input: 'patch', tools });
  const item = first.body.output.find((entry) => entry.type === 'custom_tool_call')!;
  expect(item).toMatchObject({ name: 'apply_patch', namespace: 'editing', input: 'P' });
  harness.simulator.script({ answer: 'Patched.' });
  const next = await create({
    tools,
    previous_response_id: first.body.id,
    input: [{ type: 'custom_tool_call_output', call_id: item.call_id, output: 'ok' }],
  });
  expect(next.status).toBe(200);
  expect(upstreamMessage(1)).toContain('editing__apply_patch');
});

describe('custom, local_shell, chat-style and hosted tools', () => {
  const customTool = {
    type: 'custom',
    name: 'apply_patch',
    description: 'Applies a patch.',
    format: { type: 'grammar', syntax: 'lark', definition: 'start: "x"' },
  };

  test('a custom tool is offered with one string input and answered as custom_tool_call', async () => {
    harness.simulator.script({ answer: call('apply_patch', { input: '*** Begin Patch\n*** End Patch' }) });
    const { status, body } = await create({ input: 'patch it', tools: [customTool] });
    expect(status).toBe(200);
    expect(upstreamMessage(0)).toContain('### apply_patch');
    expect(upstreamMessage(0)).toContain('start: \\"x\\"');
    const item = body.output.find((entry) => entry.type === 'custom_tool_call')!;
    expect(item.id).toMatch(/^ctc_/);
    expect(item).toMatchObject({ name: 'apply_patch', input: '*** Begin Patch\n*** End Patch', status: 'completed' });
    expect(item.call_id).toMatch(/^call_/);
  });

  test('custom_tool_call streaming events, and custom_tool_call_output accepted back', async () => {
    harness.simulator.script({ answer: call('apply_patch', { input: 'P' }) });
    const events = await stream({ input: 'patch it', tools: [customTool], store: false });
    const types = events.map((event) => event.type);
    expect(types).toContain('response.custom_tool_call_input.delta');
    expect(types).toContain('response.custom_tool_call_input.done');
    const done = events.find(
      (event) => event.type === 'response.output_item.done' && event.item.type === 'custom_tool_call',
    )!;
    expect(done.item.input).toBe('P');
    expect(types.at(-1)).toBe('response.completed');
    harness.simulator.script({ answer: 'Patched.' });
    const next = await create({
      tools: [customTool],
      input: [
        { role: 'user', content: 'patch it' },
        { type: 'custom_tool_call', call_id: done.item.call_id, name: 'apply_patch', input: 'P' },
        { type: 'custom_tool_call_output', call_id: done.item.call_id, output: 'Done!' },
      ],
    });
    expect(next.status).toBe(200);
    expect(upstreamMessage(1)).toContain('Done!');
  });

  test('local_shell is offered with the exec action shape and answered as local_shell_call', async () => {
    harness.simulator.script({ answer: call('local_shell', { command: ['ls', '-la'], working_directory: '/tmp' }) });
    const { body } = await create({ input: 'list files', tools: [{ type: 'local_shell' }] });
    expect(upstreamMessage(0)).toContain('### local_shell');
    const item = body.output.find((entry) => entry.type === 'local_shell_call')!;
    expect(item.action).toEqual({
      type: 'exec',
      command: ['ls', '-la'],
      timeout_ms: null,
      working_directory: '/tmp',
      env: {},
      user: null,
    });
    harness.simulator.script({ answer: 'Listed.' });
    const next = await create({
      tools: [{ type: 'local_shell' }],
      previous_response_id: body.id,
      input: [{ type: 'local_shell_call_output', call_id: item.call_id, output: 'a.txt' }],
    });
    expect(next.status).toBe(200);
    expect(upstreamMessage(1)).toContain('a.txt');
  });

  test('the chat-completions tool shape {"type":"function","function":{...}} is accepted', async () => {
    harness.simulator.script({ answer: call('get_weather', { city: 'Oslo' }) });
    const tool = {
      type: 'function',
      function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
    };
    const { status, body } = await create({ input: 'weather?', tools: [tool] });
    expect(status).toBe(200);
    expect(body.output.find((entry) => entry.type === 'function_call')).toMatchObject({
      name: 'get_weather',
      arguments: '{"city":"Oslo"}',
    });
  });

  test("hosted tools are mapped or dropped, and named in the header; web_search is Grok's own", async () => {
    harness.simulator.script({ answer: call('file_search', { query: 'budget' }) });
    const { status, ignored, body } = await create({
      input: 'hi',
      tools: [
        { type: 'web_search' },
        { type: 'file_search', vector_store_ids: ['vs_1'] },
        { type: 'code_interpreter', container: { type: 'auto' } },
        { type: 'image_generation' },
        { type: 'mcp', server_label: 'deepwiki', server_url: 'https://example.com/mcp' },
        { type: 'computer_use_preview', display_width: 1, display_height: 1, environment: 'browser' },
        { type: 'some_future_tool' },
      ],
    });
    expect(status).toBe(200);
    for (const note of [
      'tools[1] file_search offered as a function tool',
      'tools[2] code_interpreter offered as a function tool',
      'tools[3] image_generation dropped',
      'tools[4] mcp deepwiki dropped',
      'tools[5] computer_use_preview dropped',
      'tools[6] some_future_tool dropped',
    ]) {
      expect(ignored).toContain(note);
    }
    expect(ignored).not.toContain('web_search');
    expect(upstreamMessage(0)).toContain('### code_interpreter');
    expect(body.output.find((entry) => entry.type === 'function_call')).toMatchObject({
      name: 'file_search',
      arguments: '{"query":"budget"}',
    });
  });
});

test('tool_choice: hosted tools and allowed_tools become auto (noted); local_shell forces the tool', async () => {
  harness.simulator.script({ answer: 'ok' });
  const allowed = await create({
    input: 'hi',
    tools: [{ type: 'local_shell' }],
    tool_choice: { type: 'allowed_tools', mode: 'auto', tools: [] },
  });
  expect(allowed.status).toBe(200);
  expect(allowed.ignored).toContain('tool_choice allowed_tools treated as auto');
  harness.simulator.script({ answer: call('local_shell', { command: ['true'] }) });
  const forced = await create({ input: 'run', tools: [{ type: 'local_shell' }], tool_choice: { type: 'local_shell' } });
  expect(upstreamMessage(1)).toContain('You MUST call the tool "local_shell"');
  expect(forced.body.output.some((entry) => entry.type === 'local_shell_call')).toBe(true);
});

describe('history items', () => {
  test('item_reference resolves stored message and call items by id; a reasoning reference is skipped', async () => {
    harness.simulator.script({ thinking: 'Let me look.', answer: `Looking it up.\n${call('lookup', { q: 'x' })}` });
    const tools = [
      { type: 'function', name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } },
    ];
    const first = await create({ model: 'grok-4.1-thinking', input: 'find x', tools });
    const ids = Object.fromEntries(first.body.output.map((item) => [item.type, item]));
    expect(Object.keys(ids).sort()).toEqual(['function_call', 'message', 'reasoning']);
    harness.simulator.script({ answer: 'Found it.' });
    const second = await create({
      tools,
      input: [
        { role: 'user', content: 'find x' },
        { type: 'item_reference', id: ids.reasoning!.id },
        { type: 'item_reference', id: ids.message!.id },
        { type: 'item_reference', id: ids.function_call!.id },
        { type: 'function_call_output', call_id: ids.function_call!.call_id, output: 'x is 42' },
        { type: 'item_reference', id: 'rs_from_another_provider' },
      ],
    });
    expect(second.status).toBe(200);
    const message = upstreamMessage(1);
    expect(message).toContain('Looking it up.');
    expect(message).toContain('lookup');
    expect(message).toContain('x is 42');
    expect(message).not.toContain('Let me look.');
  });

  test('an unknown message reference is a 400 naming it', async () => {
    const { status, body } = await create({
      input: [
        { role: 'user', content: 'hi' },
        { type: 'item_reference', id: 'msg_gone' },
      ],
    });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ param: 'input.1.id', code: 'item_not_found', type: 'invalid_request_error' });
    expect(body.error.message).toContain('msg_gone');
  });

  test('compaction, reasoning with encrypted_content null and unknown item types are accepted and noted', async () => {
    harness.simulator.script({ answer: 'ok' });
    const { status, ignored } = await create({
      input: [
        { type: 'compaction', encrypted_content: 'opaque' },
        { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: null },
        { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'q' } },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello' }] },
      ],
    });
    expect(status).toBe(200);
    expect(ignored).toContain('input[0] compaction dropped');
    expect(ignored).toContain('input[2] web_search_call dropped');
    expect(ignored).not.toContain('reasoning');
  });

  test("bare content blocks as items and the Python project's output aliases are accepted", async () => {
    harness.simulator.script({ answer: 'ok' });
    const { status } = await create({
      input: [
        { type: 'input_text', text: 'first block' },
        { type: 'input_text', text: 'second block' },
        { type: 'function_call', call_id: 'call_1', name: 'f', arguments: '{}' },
        { type: 'tool_output', call_id: 'call_1', output: 'aliased result' },
      ],
      tools: [{ type: 'function', name: 'f' }],
    });
    expect(status).toBe(200);
    const message = upstreamMessage(0);
    expect(message).toContain('first block');
    expect(message).toContain('second block');
    expect(message).toContain('aliased result');
  });

  test('a structured-output text.format is accepted and noted', async () => {
    harness.simulator.script({ answer: '{"a":1}' });
    const text = { format: { type: 'json_schema', name: 'x', schema: { type: 'object' } } };
    const { status, ignored } = await create({ input: 'json please', text });
    expect(status).toBe(200);
    expect(ignored).toContain('text.format json_schema not enforced');
  });
});

describe('GET /v1/responses/{id}/input_items', () => {
  test('lists the input as OpenAI does, newest first by default, with paging', async () => {
    harness.simulator.script({ answer: 'one' });
    const first = await create({ input: 'first question' });
    harness.simulator.script({ answer: 'two' });
    const second = await create({
      input: [
        { role: 'user', content: 'again' },
        { type: 'item_reference', id: first.body.output[0]!.id },
        { role: 'user', content: [{ type: 'input_text', text: 'and more' }] },
      ],
    });
    const list = async (query = '') =>
      (await (await harness.api(`/v1/responses/${second.body.id}/input_items${query}`)).json()) as any;
    const all = await list();
    expect(all.object).toBe('list');
    expect(all.has_more).toBe(false);
    expect(all.data.map((item: Item) => item.type)).toEqual(['message', 'message', 'message']);
    expect(all.data[0].content).toEqual([{ type: 'input_text', text: 'and more' }]);
    expect(all.data[1].id).toBe(first.body.output[0]!.id);
    expect(all.data[2].content).toEqual([{ type: 'input_text', text: 'again' }]);
    expect(all.first_id).toBe(all.data[0].id);
    const page = await list('?order=asc&limit=1');
    expect(page.data[0].content[0].text).toBe('again');
    expect(page.has_more).toBe(true);
    const rest = await list(`?order=asc&after=${page.last_id}`);
    expect(rest.data.map((item: Item) => item.id)).toEqual([all.data[1].id, all.data[0].id]);
    const firstList = (await (await harness.api(`/v1/responses/${first.body.id}/input_items`)).json()) as any;
    expect(firstList.data).toHaveLength(1);
    expect(firstList.data[0]).toMatchObject({
      type: 'message',
      role: 'user',
      content: [{ type: 'input_text', text: 'first question' }],
    });
  });

  test('unknown response is a 404; a bad limit is a 400', async () => {
    expect((await harness.api('/v1/responses/resp_missing/input_items')).status).toBe(404);
    harness.simulator.script({ answer: 'x' });
    const created = await create({ input: 'x' });
    const bad = await harness.api(`/v1/responses/${created.body.id}/input_items?limit=500`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.param).toBe('limit');
  });
});
