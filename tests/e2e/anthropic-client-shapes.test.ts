import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { chatCalls, startHarness, type Harness } from '../helpers/gateway-harness';

/**
 * What real Anthropic clients send beyond the basics (Claude Code's mid-conversation system items,
 * Anthropic-defined tools, server tool history, search results, documents in tool results): each
 * accepted, flattened upstream as expected, and every dropped feature named in x-grok2api-ignored.
 */

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({ accounts: [{ token: 'account-basic-1', tier: 'basic' }] });
});
afterAll(() => harness.stop());
beforeEach(() => harness.simulator.reset());

const post = (body: object, headers: Record<string, string> = {}) =>
  harness.api('/v1/messages', {
    method: 'POST',
    headers,
    body: JSON.stringify({ model: 'grok-4.1-fast', max_tokens: 100, ...body }),
  });
const upstreamMessage = () => (chatCalls(harness.simulator).at(-1)!.body as { message: string }).message;

interface MessageBody {
  content: { type: string; id?: string; name?: string; input?: unknown; text?: string }[];
  stop_reason: string;
}

describe('Anthropic request shapes from real clients', () => {
  test('role:system items inside messages are system context at their position', async () => {
    harness.simulator.script({ answer: 'ok' });
    const response = await post({
      system: [{ type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } }],
      messages: [
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: 'first answer' },
        { role: 'system', content: [{ type: 'text', text: 'Reminder: be brief.' }] },
        { role: 'user', content: 'second question' },
      ],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-grok2api-ignored')).toBeNull();
    const message = upstreamMessage();
    // The current release's flattening: `[role]` headers, one block per message (docs/upstream-protocol.md §10.2).
    const position = (text: string) => message.indexOf(text);
    expect(position('[system]\nYou are Claude Code.')).toBeGreaterThanOrEqual(0);
    expect(position('[system]\nYou are Claude Code.')).toBeLessThan(position('[user]\nfirst question'));
    expect(position('[assistant]\nfirst answer')).toBeLessThan(position('[system]\nReminder: be brief.'));
    expect(position('[system]\nReminder: be brief.')).toBeLessThan(position('second question'));
  });

  test('bash tool: offered with its documented schema, the call comes back as tool_use named bash', async () => {
    harness.simulator.script({
      answer: '<tool_call>{"name":"bash","arguments":{"command":"echo hi > out.txt"}}</tool_call>',
    });
    const response = await post({
      tools: [{ type: 'bash_20250124', name: 'bash' }],
      messages: [{ role: 'user', content: 'write out.txt' }],
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as MessageBody;
    expect(body.stop_reason).toBe('tool_use');
    expect(body.content.find((block) => block.type === 'tool_use')).toMatchObject({
      name: 'bash',
      input: { command: 'echo hi > out.txt' },
    });
    expect(upstreamMessage()).toContain('"command"');
    expect(upstreamMessage()).toContain('bash');
  });

  test('text editor (both names) and memory tools are offered with their commands', async () => {
    harness.simulator.script({ answer: 'nothing to do' });
    const response = await post({
      tools: [
        { type: 'text_editor_20250728', name: 'str_replace_based_edit_tool', max_characters: 10000 },
        { type: 'text_editor_20250124', name: 'str_replace_editor' },
        { type: 'memory_20250818', name: 'memory' },
        { type: 'bash_20991231', name: 'bash' },
      ],
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-grok2api-ignored')).toBeNull();
    const message = upstreamMessage();
    for (const name of ['str_replace_based_edit_tool', 'str_replace_editor', 'memory', 'bash'])
      expect(message).toContain(name);
    expect(message).toContain('undo_edit'); // the 2025-01 editor still has it
    expect(message).toContain('old_path'); // memory rename
  });

  test('web_search is served upstream; server-executed tools and MCP servers are dropped and noted', async () => {
    harness.simulator.script({ answer: 'searched' });
    const response = await post(
      {
        tools: [
          { type: 'web_search_20250305', name: 'web_search', max_uses: 3 },
          { type: 'web_fetch_20250910', name: 'web_fetch' },
          { type: 'code_execution_20250825', name: 'code_execution' },
          { type: 'mcp_toolset', mcp_server_name: 'docs' },
          { name: 'get_weather', input_schema: { type: 'object', properties: {} } },
        ],
        mcp_servers: [{ type: 'url', url: 'https://mcp.example.com/sse', name: 'docs' }],
        messages: [{ role: 'user', content: 'news?' }],
      },
      { 'anthropic-beta': 'mcp-client-2025-04-04,web-fetch-2025-09-10' },
    );
    expect(response.status).toBe(200);
    const ignored = response.headers.get('x-grok2api-ignored') ?? '';
    expect(ignored).toContain("tools[0] web_search_20250305 served by Grok's own web search");
    expect(ignored).toContain('tools[1] web_fetch_20250910 web_fetch dropped');
    expect(ignored).toContain('tools[2] code_execution_20250825 code_execution dropped');
    expect(ignored).toContain('tools[3] mcp_toolset dropped');
    expect(ignored).toContain('mcp_servers docs dropped');
    expect(upstreamMessage()).toContain('get_weather');
    expect(upstreamMessage()).not.toContain('web_fetch');
  });

  test('server tool history, search results, documents in tool_result and foreign thinking are flattened', async () => {
    harness.simulator.script({ answer: 'done' });
    const response = await post({
      tools: [{ name: 'lookup', input_schema: { type: 'object' } }],
      messages: [
        { role: 'user', content: 'find it' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'foreign thoughts', signature: 'c2lnbmF0dXJlLWZyb20tY2xhdWRl' },
            { type: 'thinking', thinking: 'unsigned thoughts' },
            { type: 'redacted_thinking', data: 'opaque' },
            { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'grok2api' } },
            {
              type: 'web_search_tool_result',
              tool_use_id: 'srvtoolu_1',
              content: [
                {
                  type: 'web_search_result',
                  url: 'https://example.com/a',
                  title: 'Result A',
                  encrypted_content: 'x',
                  page_age: null,
                },
              ],
            },
            {
              type: 'text',
              text: 'Found it.',
              citations: [{ type: 'web_search_result_location', url: 'https://example.com/a' }],
            },
            { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { key: 'a' } },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              content: [
                { type: 'text', text: 'tool text' },
                {
                  type: 'document',
                  title: 'Notes',
                  source: { type: 'text', media_type: 'text/plain', data: 'document body' },
                },
                {
                  type: 'search_result',
                  source: 'https://kb.example.com/1',
                  title: 'KB 1',
                  content: [{ type: 'text', text: 'kb text' }],
                },
              ],
            },
            {
              type: 'search_result',
              source: 'https://kb.example.com/2',
              title: 'KB 2',
              content: [{ type: 'text', text: 'more kb' }],
            },
          ],
        },
      ],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-grok2api-ignored')).toBeNull();
    const message = upstreamMessage();
    expect(message).toContain('[web_search call] {"query":"grok2api"}');
    expect(message).toContain('- Result A (https://example.com/a)');
    expect(message).toContain('Found it.');
    expect(message).toContain(
      'tool text\nDocument: Notes\ndocument body\nSearch result: KB 1 (https://kb.example.com/1)\nkb text',
    );
    expect(message).toContain('Search result: KB 2 (https://kb.example.com/2)\nmore kb');
    expect(message).not.toContain('thoughts');
    expect(message).not.toContain('opaque');
  });

  test('a web search error result and unknown block types are accepted; unknown ones are noted', async () => {
    harness.simulator.script({ answer: 'ok' });
    const response = await post({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'q' },
            { type: 'hologram', text: 'x' },
          ],
        },
        {
          role: 'assistant',
          content: [
            {
              type: 'web_search_tool_result',
              tool_use_id: 'srvtoolu_2',
              content: { type: 'web_search_tool_result_error', error_code: 'max_uses_exceeded' },
            },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'file', file_id: 'file_abc' } },
            { type: 'text', text: 'and?' },
          ],
        },
      ],
    });
    expect(response.status).toBe(200);
    const ignored = response.headers.get('x-grok2api-ignored') ?? '';
    expect(ignored).toContain('messages.0.content.1 hologram dropped');
    expect(ignored).toContain('messages.2.content.0 file source file_abc dropped (Files API not available)');
    expect(upstreamMessage()).toContain('error: max_uses_exceeded');
  });

  test('context_management and output format are accepted and noted', async () => {
    harness.simulator.script({ answer: '{}' });
    const response = await post({
      context_management: { edits: [{ type: 'clear_tool_uses_20250919' }] },
      output_format: { type: 'json_schema', schema: { type: 'object' } },
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(response.status).toBe(200);
    const ignored = response.headers.get('x-grok2api-ignored') ?? '';
    expect(ignored).toContain('context_management ignored');
    expect(ignored).toContain('output format ignored');
  });

  test('a deferred tool (defer_loading) is offered only once a tool_reference in the history loads it', async () => {
    const tools = [
      { name: 'ToolSearch', input_schema: { type: 'object', properties: { query: { type: 'string' } } } },
      {
        name: 'NotebookEdit',
        description: 'Edit a notebook cell',
        defer_loading: true,
        input_schema: { type: 'object' },
      },
    ];
    harness.simulator.script({ answer: 'first', times: 2 });
    expect((await post({ tools, messages: [{ role: 'user', content: 'edit the notebook' }] })).status).toBe(200);
    expect(upstreamMessage()).toContain('ToolSearch');
    expect(upstreamMessage()).not.toContain('NotebookEdit');
    const loaded = await post({
      tools,
      messages: [
        { role: 'user', content: 'edit the notebook' },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'toolu_s', name: 'ToolSearch', input: { query: 'notebook' } }],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_s',
              content: [{ type: 'tool_reference', tool_name: 'NotebookEdit' }],
            },
          ],
        },
      ],
    });
    expect(loaded.status).toBe(200);
    expect(loaded.headers.get('x-grok2api-ignored')).toBeNull();
    expect(upstreamMessage()).toContain('Edit a notebook cell');
    expect(upstreamMessage()).toContain('Tool loaded: NotebookEdit');
  });

  test("thinking display 'omitted' (Claude Code) sends no thinking blocks; adaptive thinking does", async () => {
    harness.simulator.script({ thinking: 'Hidden steps.', answer: 'Four.', times: 2 });
    const omitted = await post({
      model: 'grok-4.1-thinking',
      thinking: { type: 'adaptive', display: 'omitted' },
      messages: [{ role: 'user', content: '2+2?' }],
    });
    expect(((await omitted.json()) as MessageBody).content).toEqual([{ type: 'text', text: 'Four.' }]);
    const shown = await post({
      model: 'grok-4.1-thinking',
      thinking: { type: 'adaptive' },
      messages: [{ role: 'user', content: '2+2?' }],
    });
    expect(((await shown.json()) as MessageBody).content.map((block) => block.type)).toEqual(['thinking', 'text']);
  });

  test('a tool_choice naming a tool served upstream falls back to auto, noted', async () => {
    harness.simulator.script({ answer: 'searched' });
    const response = await post({
      tools: [{ type: 'web_search_20250305', name: 'web_search' }],
      tool_choice: { type: 'tool', name: 'web_search' },
      messages: [{ role: 'user', content: 'news?' }],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-grok2api-ignored')).toContain('tool_choice web_search ignored');
  });

  const malformed: [string, object, string][] = [
    [
      'a tool_result block with a bad inner block',
      {
        messages: [
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_9', name: 'lookup', input: {} }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_9', content: [{ text: 'no type' }] }] },
        ],
      },
      'messages.1.content.0.content.0.type',
    ],
    [
      'a document without a source object',
      { messages: [{ role: 'user', content: [{ type: 'document', source: 'https://x' }] }] },
      'messages.0.content.0.source',
    ],
    [
      'a system item with a non-text block',
      {
        messages: [
          { role: 'system', content: [{ type: 'image', source: { type: 'url', url: 'https://x/y.png' } }] },
          { role: 'user', content: 'x' },
        ],
      },
      'messages.0.content.0.type',
    ],
    [
      'a custom tool with a non-object schema',
      { tools: [{ name: 't', input_schema: { type: 'array' } }], messages: [{ role: 'user', content: 'x' }] },
      'tools.0.input_schema.type',
    ],
    [
      'a bad tool name after a dropped tool (named by its own index)',
      {
        tools: [
          { type: 'web_fetch_20250910', name: 'web_fetch' },
          { name: 'bad name', input_schema: { type: 'object' } },
        ],
        messages: [{ role: 'user', content: 'x' }],
      },
      'tools.1.name',
    ],
  ];
  for (const [name, body, param] of malformed) {
    test(`${name} is a 400 in Anthropic's shape naming ${param}`, async () => {
      const response = await post(body);
      expect(response.status).toBe(400);
      const payload = (await response.json()) as { type: string; error: { type: string; message: string } };
      expect(payload).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
      expect(payload.error.message).toContain(param);
      expect(chatCalls(harness.simulator)).toHaveLength(0);
    });
  }
});

describe('message threads (recent @anthropic-ai/sdk tool runners)', () => {
  const weather = {
    name: 'get_weather',
    input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  };

  test('create stores the conversation; continue sends only new messages and keeps system and tools', async () => {
    harness.simulator.script({ answer: '<tool_call>{"name":"get_weather","arguments":{"city":"Rome"}}</tool_call>' });
    const created = await post({
      system: 'Be terse.',
      tools: [weather],
      thread: { type: 'create' },
      messages: [{ role: 'user', content: 'Rome?' }],
    });
    expect(created.status).toBe(200);
    const first = (await created.json()) as MessageBody & { id: string };
    const toolUse = first.content.find((block) => block.type === 'tool_use')!;

    harness.simulator.script({ answer: 'Sunny.' });
    const continued = await post({
      stream: true,
      thread: { type: 'continue', previous_message_id: first.id },
      messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: '25C' }] }],
    });
    expect(continued.status).toBe(200);
    expect(await continued.text()).toContain('event: message_stop');
    const message = upstreamMessage();
    expect(message).toContain('[system]\nBe terse.');
    expect(message).toContain('get_weather'); // the tools came from the thread
    expect(message).toContain('Rome?');
    expect(message).toContain(`[tool]\nTool result (get_weather, ${toolUse.id}): 25C`);
  });

  test('an unknown thread is a 404 whose details say thread_not_found (the SDK then resends the history)', async () => {
    const response = await post({
      thread: { type: 'continue', previous_message_id: 'msg_unknown' },
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      type: 'error',
      error: { type: 'not_found_error', details: { error_code: 'thread_not_found' } },
    });
    const badType = await post({ thread: { type: 'fork' }, messages: [{ role: 'user', content: 'x' }] });
    expect(badType.status).toBe(400);
  });
});
