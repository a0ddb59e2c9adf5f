import { describe, expect, test } from 'bun:test';
import { flattenMessages } from '../../src/conversation/flatten';
import type { ChatCompletionRequest } from '../../src/openai/chat/request-schema';
import { buildToolPrompt } from '../../src/conversation/tools/tool-prompt';
import { activeTools } from '../../src/conversation/tools/active-tools';

type Request = Pick<ChatCompletionRequest, 'messages' | 'tools' | 'tool_choice' | 'parallel_tool_calls'>;
type Message = ChatCompletionRequest['messages'][number];

// Most tests pin the legacy (P1) form; the current form has its own block at the end.
const LEGACY = { form: 'legacy', budgetChars: 0, maxChars: 0, param: 'messages' } as const;
const flatten = (messages: Message[], extra: Omit<Request, 'messages'> = {}) =>
  flattenMessages({ messages, ...extra }, LEGACY);
const flattenCurrent = (messages: Message[], extra: Omit<Request, 'messages'> = {}) =>
  flattenMessages({ messages, ...extra });

const weatherTool = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } };
const weatherCall = {
  id: 'call_1',
  type: 'function',
  function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
};

describe('plain conversations (P1 form)', () => {
  test('the spec example: labels, bare last user message, blank-line joins', () => {
    const { message, attachments } = flatten([
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello' },
      { role: 'user', content: 'What is 2+2?' },
    ]);
    expect(message).toBe('system: You are terse.\n\nuser: Hi\n\nassistant: Hello\n\nWhat is 2+2?');
    expect(attachments).toEqual([]);
  });

  test('a single user message is sent as is, trimmed', () => {
    expect(flatten([{ role: 'user', content: '  Hello there \n' }]).message).toBe('Hello there');
  });

  test('only the last user message is bare, even when an assistant turn follows it', () => {
    const { message } = flatten([
      { role: 'user', content: 'First' },
      { role: 'user', content: 'Second' },
      { role: 'assistant', content: 'Prefill' },
    ]);
    expect(message).toBe('user: First\n\nSecond\n\nassistant: Prefill');
  });

  test('developer messages are labelled system', () => {
    const { message } = flatten([
      { role: 'developer', content: 'Answer in French.' },
      { role: 'user', content: 'Hi' },
    ]);
    expect(message).toBe('system: Answer in French.\n\nHi');
  });

  test('text blocks are trimmed, joined by newlines, empty ones dropped; a lone block object works', () => {
    const { message } = flatten([
      { role: 'system', content: { type: 'text', text: ' Rules ' } },
      {
        role: 'user',
        content: [
          { type: 'text', text: ' line one ' },
          { type: 'text', text: '' },
          { type: 'text', text: 'line two' },
        ],
      },
    ]);
    expect(message).toBe('system: Rules\n\nline one\nline two');
  });

  test('messages without text are skipped', () => {
    const { message } = flatten([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: null },
      { role: 'assistant', content: '   ' },
      { role: 'user', content: 'Again' },
    ]);
    expect(message).toBe('user: Hi\n\nAgain');
  });

  test('a user turn with only an image does not steal the bare slot from the last user text', () => {
    const { message } = flatten([
      { role: 'user', content: 'Describe this' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://a.example/1.png' } }] },
    ]);
    expect(message).toBe('Describe this');
  });
});

describe('attachments', () => {
  test('media from all messages, in order, with kind and filename; audio base64 becomes a data URI', () => {
    const { message, attachments } = flatten([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Old' },
          { type: 'image_url', image_url: 'https://a.example/1.png' },
        ],
      },
      { role: 'assistant', content: 'Seen' },
      {
        role: 'user',
        content: [
          { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBE', filename: ' report.pdf ' } },
          { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
          { type: 'input_audio', input_audio: { data: 'SUQz', format: 'mp3' } },
          { type: 'input_audio', input_audio: { data: 'https://a.example/a.ogg', format: 'ogg' } },
          { type: 'image_url', image_url: { url: ' data:image/png;base64,iVBO ', detail: 'high' } },
          { type: 'text', text: 'Compare' },
        ],
      },
    ]);
    expect(message).toBe('user: Old\n\nassistant: Seen\n\nCompare');
    expect(attachments).toEqual([
      { kind: 'image', source: 'https://a.example/1.png' },
      { kind: 'file', source: 'data:application/pdf;base64,JVBE', filename: 'report.pdf' },
      { kind: 'audio', source: 'data:audio/wav;base64,UklGRg==' },
      { kind: 'audio', source: 'data:audio/mpeg;base64,SUQz' },
      { kind: 'audio', source: 'https://a.example/a.ogg' },
      { kind: 'image', source: 'data:image/png;base64,iVBO' },
    ]);
  });

  test('attachments without any text get the placeholder text', () => {
    const { message, attachments } = flatten([
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://a.example/1.png' } }] },
    ]);
    expect(message).toBe('Refer to the following content:');
    expect(attachments).toHaveLength(1);
  });
});

describe('tool history without tools declared', () => {
  test('assistant calls become neutral lines, tool results carry the tool label with the resolved name', () => {
    const { message } = flatten([
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: null, tool_calls: [weatherCall] },
      { role: 'tool', tool_call_id: 'call_1', content: '18°C' },
      { role: 'user', content: 'And tomorrow?' },
    ]);
    expect(message).toBe(
      'user: Weather in Paris?\n\nassistant: [tool_call] get_weather {"city":"Paris"}\n\ntool (get_weather, call_1): 18°C\n\nAnd tomorrow?',
    );
    expect(message).not.toContain('<tool_call>');
  });

  test('calls are listed after the assistant text; object arguments are serialised', () => {
    const { message } = flatten([
      { role: 'user', content: 'Go' },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [{ id: 'c', function: { name: 'f', arguments: { a: 1 } } }],
      },
    ]);
    expect(message).toBe('Go\n\nassistant: Checking.\n[tool_call] f {"a":1}');
  });

  test('tool_choice none turns tool calling off, so history stays neutral', () => {
    const { message } = flatten(
      [
        { role: 'user', content: 'Go' },
        { role: 'assistant', content: null, tool_calls: [weatherCall] },
      ],
      { tools: [weatherTool], tool_choice: 'none' },
    );
    expect(message).toBe('Go\n\nassistant: [tool_call] get_weather {"city":"Paris"}');
  });

  test('a message name wins over the call lookup; unknown ids say unknown', () => {
    const { message } = flatten([
      { role: 'user', content: 'Go' },
      { role: 'tool', tool_call_id: 'x1', name: 'named', content: 'a' },
      { role: 'tool', tool_call_id: 'x2', content: [{ type: 'text', text: 'b' }] },
      { role: 'tool', tool_call_id: 'x3', content: '' },
    ]);
    expect(message).toBe('Go\n\ntool (named, x1): a\n\ntool (unknown, x2): b\n\ntool (unknown, x3):');
  });
});

describe('tool history with tools declared', () => {
  test('calls use the <tool_call> format, results become the current user input, the prompt comes first', () => {
    const request: Request = {
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: 'Let me look.',
          tool_calls: [
            weatherCall,
            { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18°C' },
        { role: 'tool', tool_call_id: 'call_2', content: '25°C' },
      ],
      tools: [weatherTool],
    };
    const { message } = flattenMessages(request, LEGACY);
    const prompt = buildToolPrompt(activeTools(request), undefined, true, 'legacy');
    expect(message).toBe(
      `${prompt}\n\n` +
        'system: Be brief.\n\n' +
        'user: Weather in Paris and Rome?\n\n' +
        'assistant: Let me look.\n' +
        '<tool_call>{"name":"get_weather","arguments":{"city":"Paris"}}</tool_call>\n' +
        '<tool_call>{"name":"get_weather","arguments":{"city":"Rome"}}</tool_call>\n\n' +
        'tool (get_weather, call_1): 18°C\n\n' +
        'tool (get_weather, call_2): 25°C',
    );
  });

  test('arguments that are not JSON are quoted, empty ones become {}', () => {
    const { message } = flatten(
      [
        { role: 'user', content: 'Go' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'a', function: { name: 'get_weather', arguments: 'city=Paris' } },
            { id: 'b', function: { name: 'get_weather', arguments: '' } },
            { id: 'c', function: { name: 'get_weather' } },
          ],
        },
      ],
      { tools: [weatherTool] },
    );
    expect(
      message.endsWith(
        'assistant: <tool_call>{"name":"get_weather","arguments":"city=Paris"}</tool_call>\n' +
          '<tool_call>{"name":"get_weather","arguments":{}}</tool_call>\n' +
          '<tool_call>{"name":"get_weather","arguments":{}}</tool_call>',
      ),
    ).toBe(true);
  });

  test('the tool prompt reflects tool_choice and parallel_tool_calls', () => {
    const messages: Message[] = [{ role: 'user', content: 'Hi' }];
    const forced = flatten(messages, {
      tools: [weatherTool],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: false,
    });
    expect(forced.message).toBe(
      `${buildToolPrompt(activeTools({ tools: [weatherTool] }), { type: 'function', function: { name: 'get_weather' } }, false, 'legacy')}\n\nHi`,
    );
    expect(forced.message).toContain('You MUST call the tool "get_weather"');
    expect(forced.message).toContain('at most one tool');
  });

  test('tools with only attachments: prompt, then the placeholder', () => {
    const { message } = flatten(
      [{ role: 'user', content: [{ type: 'image_url', image_url: 'https://a.example/1.png' }] }],
      { tools: [weatherTool] },
    );
    expect(message.endsWith('\n\nRefer to the following content:')).toBe(true);
    expect(message.startsWith('# Available Tools')).toBe(true);
  });
});

describe('current form (docs/upstream-protocol.md §10.2)', () => {
  test('the spec example: a [role] block per message, the last user message too', () => {
    const { message } = flattenCurrent([
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello' },
      { role: 'user', content: 'What is 2+2?' },
    ]);
    expect(message).toBe('[system]\nYou are terse.\n\n[user]\nHi\n\n[assistant]\nHello\n\n[user]\nWhat is 2+2?');
  });

  test('tool results read "Tool result (<name>, <id>)"; the tool prompt is a leading [system] block', () => {
    const request: Request = {
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: null, tool_calls: [weatherCall] },
        { role: 'tool', tool_call_id: 'call_1', content: '18°C' },
      ],
      tools: [weatherTool],
    };
    const { message } = flattenMessages(request);
    const prompt = buildToolPrompt(activeTools(request), undefined, true);
    expect(message).toBe(
      `[system]\n${prompt}\n\n[user]\nWeather?\n\n` +
        '[assistant]\n<tool_call>{"name":"get_weather","arguments":{"city":"Paris"}}</tool_call>\n\n' +
        '[tool]\nTool result (get_weather, call_1): 18°C',
    );
    expect(message).toContain('written as "Tool result (<name>, <call id>): <result>"');
  });

  test('a single user message is a [user] block', () => {
    expect(flattenCurrent([{ role: 'user', content: '  Hello there \n' }]).message).toBe('[user]\nHello there');
  });
});
