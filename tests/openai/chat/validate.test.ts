import { describe, expect, test } from 'bun:test';
import { ApiError } from '../../../src/http/errors';
import type { ChatCompletionRequest } from '../../../src/openai/chat/request-schema';
import { validateChatRequest } from '../../../src/openai/chat/validate';

type Body = ChatCompletionRequest;

const user = (content: unknown) => ({ role: 'user', content }) as Body['messages'][number];
const request = (overrides: Partial<Body> = {}): Body => ({
  model: 'grok-4',
  messages: [user('Hello')],
  ...overrides,
});

interface ErrorFields {
  status: number;
  type: string;
  message: string;
  param: string | null;
  code: string | null;
}

const errorOf = (body: Body): ErrorFields | undefined => {
  try {
    validateChatRequest(body);
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    const { status, type, message, param, code } = error as ApiError;
    return { status, type, message, param, code };
  }
  return undefined;
};

const expectError = (body: Body, expected: { message?: string; param: string; code: string }) => {
  const error = errorOf(body);
  expect(error).toBeDefined();
  expect(error!.status).toBe(400);
  expect(error!.type).toBe('invalid_request_error');
  expect({ param: error!.param, code: error!.code }).toEqual({ param: expected.param, code: expected.code });
  if (expected.message !== undefined) expect(error!.message).toBe(expected.message);
};

const PNG_DATA_URI =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const BARE_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

describe('valid requests pass', () => {
  test('a minimal request', () => {
    expect(errorOf(request())).toBeUndefined();
  });

  test('a rich conversation with every block kind, tools and sampling fields', () => {
    const body = request({
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'developer', content: [{ type: 'text', text: 'Prefer metric units.' }] },
        user([
          { type: 'text', text: 'What is in these?' },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } },
          { type: 'image_url', image_url: PNG_DATA_URI },
          { type: 'input_audio', input_audio: { data: BARE_BASE64, format: 'wav' } },
          { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0xLjQK', filename: 'a.pdf' } },
        ]),
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '' },
        { role: 'assistant', content: '' },
        user({ type: 'text', text: 'Thanks' }),
      ],
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
      tool_choice: { type: 'function', function: { name: 'lookup' } },
      temperature: 2,
      top_p: 0,
      reasoning_effort: 'xhigh',
    });
    expect(errorOf(body)).toBeUndefined();
  });
});

describe('roles and tool_call_id', () => {
  test('an unknown role', () => {
    expectError(request({ messages: [user('hi'), { role: 'robot', content: 'x' }] }), {
      message: "role must be one of ['assistant', 'developer', 'system', 'tool', 'user']",
      param: 'messages.1.role',
      code: 'invalid_role',
    });
  });

  test('roles are case-sensitive, as in OpenAI', () => {
    expectError(request({ messages: [{ role: 'User', content: 'x' }] }), {
      param: 'messages.0.role',
      code: 'invalid_role',
    });
  });

  test.each([undefined, null, '', '  '])('a tool message with tool_call_id %p', (toolCallId) => {
    expectError(request({ messages: [user('hi'), { role: 'tool', content: 'result', tool_call_id: toolCallId }] }), {
      message: "tool messages must have a 'tool_call_id' field",
      param: 'messages.1.tool_call_id',
      code: 'missing_tool_call_id',
    });
  });
});

describe('message content', () => {
  test.each(['user', 'system', 'developer'])('null content of a %s message', (role) => {
    expectError(request({ messages: [{ role, content: null }] }), {
      message: 'Message content cannot be null',
      param: 'messages.0.content',
      code: 'empty_content',
    });
  });

  test('missing content counts as null', () => {
    expectError(request({ messages: [user('a'), { role: 'user' }] }), {
      param: 'messages.1.content',
      code: 'empty_content',
    });
  });

  test('blank string content', () => {
    expectError(request({ messages: [user(' \n\t ')] }), {
      message: 'Message content cannot be empty',
      param: 'messages.0.content',
      code: 'empty_content',
    });
  });

  test('empty block array', () => {
    expectError(request({ messages: [{ role: 'system', content: [] }] }), {
      message: 'Message content cannot be an empty array',
      param: 'messages.0.content',
      code: 'empty_content',
    });
  });

  test('assistant and tool messages may be empty: tool calls and empty results are real', () => {
    const body = request({
      messages: [
        user('go'),
        { role: 'assistant', content: '', tool_calls: [{ id: 'c', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c', content: null },
        { role: 'assistant', content: [] },
      ],
    });
    expect(errorOf(body)).toBeUndefined();
  });

  test('a conversation with nothing in it at all', () => {
    expectError(
      request({
        messages: [
          { role: 'assistant', content: null },
          { role: 'assistant', content: ' ' },
        ],
      }),
      {
        param: 'messages',
        code: 'empty_content',
      },
    );
  });

  test('a lone block object whose type is not text', () => {
    expectError(request({ messages: [user({ type: 'image_url', image_url: { url: 'https://a.example/x.png' } })] }), {
      message: "When content is an object, type must be 'text'",
      param: 'messages.0.content.type',
      code: 'invalid_content_type',
    });
  });

  test('a lone text block object with blank text', () => {
    expectError(request({ messages: [user({ type: 'text', text: ' ' })] }), {
      param: 'messages.0.content.text',
      code: 'empty_text',
    });
  });
});

describe('content blocks', () => {
  test('a block that is not an object', () => {
    expectError(request({ messages: [user(['text'])] }), {
      message: 'Content block must be an object',
      param: 'messages.0.content.0',
      code: 'invalid_block',
    });
  });

  test('an empty block', () => {
    expectError(request({ messages: [user([{ type: 'text', text: 'a' }, {}])] }), {
      message: 'Content block cannot be empty',
      param: 'messages.0.content.1',
      code: 'empty_block',
    });
  });

  test('a block without type', () => {
    expectError(request({ messages: [user([{ text: 'a' }])] }), {
      message: "Content block must have a 'type' field",
      param: 'messages.0.content.0.type',
      code: 'missing_type',
    });
  });

  test('a block with a blank type', () => {
    expectError(request({ messages: [user([{ type: ' ', text: 'a' }])] }), {
      message: "Content block 'type' cannot be empty",
      param: 'messages.0.content.0.type',
      code: 'empty_type',
    });
  });

  test('an unknown block type in a user message', () => {
    expectError(
      request({
        messages: [
          user('a'),
          user([
            { type: 'text', text: 'a' },
            { type: 'video', text: 'a' },
          ]),
        ],
      }),
      {
        message: "Invalid content block type: 'video'",
        param: 'messages.1.content.1.type',
        code: 'invalid_type',
      },
    );
  });

  test.each(['system', 'developer', 'assistant', 'tool'])('a media block in a %s message', (role) => {
    const message = {
      role,
      tool_call_id: 'c',
      content: [{ type: 'image_url', image_url: { url: 'https://a.example/x.png' } }],
    };
    expectError(request({ messages: [user('a'), message] }), {
      message: `The \`${role}\` role only supports 'text' type, got 'image_url'`,
      param: 'messages.1.content.0.type',
      code: 'invalid_type',
    });
  });

  test.each([undefined, '', '   '])('a text block with text %p', (text) => {
    expectError(request({ messages: [user([{ type: 'text', text }])] }), {
      message: 'Text content cannot be empty',
      param: 'messages.0.content.0.text',
      code: 'empty_text',
    });
  });

  test('image_url without url', () => {
    expectError(request({ messages: [user([{ type: 'image_url', image_url: { detail: 'low' } }])] }), {
      message: "image_url must have a 'url' field",
      param: 'messages.0.content.0.image_url',
      code: 'missing_url',
    });
    expectError(request({ messages: [user([{ type: 'image_url' }])] }), {
      param: 'messages.0.content.0.image_url',
      code: 'missing_url',
    });
  });

  test('input_audio without data', () => {
    expectError(request({ messages: [user([{ type: 'input_audio', input_audio: { format: 'wav' } }])] }), {
      message: "input_audio must have a 'data' field",
      param: 'messages.0.content.0.input_audio',
      code: 'missing_audio',
    });
  });

  test('file without file_data', () => {
    expectError(request({ messages: [user([{ type: 'file', file: { filename: 'a.pdf' } }])] }), {
      message: "file must have a 'file_data' field",
      param: 'messages.0.content.0.file',
      code: 'missing_file',
    });
  });

  test('file referenced by file_id only', () => {
    expectError(request({ messages: [user([{ type: 'file', file: { file_id: 'file-abc' } }])] }), {
      param: 'messages.0.content.0.file.file_id',
      code: 'unsupported_file_id',
    });
  });
});

describe('media values', () => {
  const imageBlock = (url: string) => request({ messages: [user([{ type: 'image_url', image_url: { url } }])] });

  test.each(['https://example.com/a.png', 'http://example.com/a.png?x=1', PNG_DATA_URI, 'DATA:image/png;base64,AAAA'])(
    'accepts %p',
    (url) => {
      expect(errorOf(imageBlock(url))).toBeUndefined();
    },
  );

  test('an empty url', () => {
    expectError(imageBlock(' '), {
      message: 'image_url.url cannot be empty',
      param: 'messages.0.content.0.image_url.url',
      code: 'empty_media',
    });
  });

  test('bare base64 gets the data-URI hint', () => {
    expectError(imageBlock(BARE_BASE64), {
      message: 'image_url.url base64 must be provided as a data URI (data:<mime>;base64,...)',
      param: 'messages.0.content.0.image_url.url',
      code: 'invalid_media',
    });
  });

  test('a data URI that is not base64 gets the same hint', () => {
    expectError(imageBlock('data:text/plain,hello'), {
      param: 'messages.0.content.0.image_url.url',
      code: 'invalid_media',
    });
  });

  test.each(['ftp://example.com/a.png', 'file:///etc/passwd', 'example.com/a.png', 'short', 'https://'])(
    'rejects %p',
    (url) => {
      expectError(imageBlock(url), {
        message: 'image_url.url must be a URL or data URI',
        param: 'messages.0.content.0.image_url.url',
        code: 'invalid_media',
      });
    },
  );

  test('the string form of image_url is checked under its own param', () => {
    expectError(request({ messages: [user([{ type: 'image_url', image_url: 'nope' }])] }), {
      message: 'image_url must be a URL or data URI',
      param: 'messages.0.content.0.image_url',
      code: 'invalid_media',
    });
  });

  test('file_data bare base64 is rejected', () => {
    expectError(request({ messages: [user([{ type: 'file', file: { file_data: BARE_BASE64 } }])] }), {
      message: 'file.file_data base64 must be provided as a data URI (data:<mime>;base64,...)',
      param: 'messages.0.content.0.file.file_data',
      code: 'invalid_media',
    });
  });

  test("input_audio: OpenAI's bare base64 with a format is accepted, without a format it is not", () => {
    const audio = (input_audio: { data: string; format?: string }) =>
      request({ messages: [user([{ type: 'input_audio', input_audio }])] });
    expect(errorOf(audio({ data: BARE_BASE64, format: 'mp3' }))).toBeUndefined();
    expectError(audio({ data: BARE_BASE64 }), {
      param: 'messages.0.content.0.input_audio.data',
      code: 'invalid_media',
    });
    expectError(audio({ data: BARE_BASE64, format: 'mp3;base64,' }), {
      param: 'messages.0.content.0.input_audio.format',
      code: 'invalid_media',
    });
    expectError(audio({ data: 'not base64 at all', format: 'wav' }), {
      param: 'messages.0.content.0.input_audio.data',
      code: 'invalid_media',
    });
  });
});

describe('scalar fields', () => {
  test('reasoning_effort outside the list', () => {
    expectError(request({ reasoning_effort: 'max' }), {
      message: "reasoning_effort must be one of ['high', 'low', 'medium', 'minimal', 'none', 'xhigh']",
      param: 'reasoning_effort',
      code: 'invalid_reasoning_effort',
    });
  });

  test.each([-0.01, 2.01])('temperature %p', (temperature) => {
    expectError(request({ temperature }), {
      message: 'temperature must be between 0 and 2',
      param: 'temperature',
      code: 'invalid_temperature',
    });
  });

  test.each([-0.5, 1.5])('top_p %p', (topP) => {
    expectError(request({ top_p: topP }), {
      message: 'top_p must be between 0 and 1',
      param: 'top_p',
      code: 'invalid_top_p',
    });
  });

  test('boundary values are accepted', () => {
    expect(errorOf(request({ temperature: 0, top_p: 1 }))).toBeUndefined();
  });
});

describe('tools', () => {
  const tool = (name: string) => ({ type: 'function', function: { name } });

  test('a tool whose type is not function', () => {
    expectError(request({ tools: [tool('a'), { type: 'web_search', function: { name: 'b' } }] }), {
      message: "Each tool must have type='function'",
      param: 'tools.1.type',
      code: 'invalid_tool_type',
    });
    expectError(request({ tools: [{ function: { name: 'b' } }] }), {
      param: 'tools.0.type',
      code: 'invalid_tool_type',
    });
  });

  test.each([{ type: 'function' }, { type: 'function', function: {} }, { type: 'function', function: { name: ' ' } }])(
    'a function without a name: %p',
    (definition) => {
      expectError(request({ tools: [definition] }), {
        message: "Each tool function must have a 'name'",
        param: 'tools.0.function.name',
        code: 'missing_function_name',
      });
    },
  );

  test.each(['has space', 'dot.name', 'x'.repeat(65), 'ünïcode'])('an invalid name %p', (name) => {
    expectError(request({ tools: [tool(name)] }), { param: 'tools.0.function.name', code: 'invalid_function_name' });
  });

  test('valid names of 1 and 64 characters', () => {
    expect(errorOf(request({ tools: [tool('a'), tool(`A_-9${'x'.repeat(60)}`)] }))).toBeUndefined();
  });

  test('duplicate names', () => {
    expectError(request({ tools: [tool('a'), tool('b'), tool('a')] }), {
      message: "Duplicate tool name 'a'",
      param: 'tools.2.function.name',
      code: 'duplicate_function_name',
    });
  });

  test('at most 128 tools', () => {
    const tools = (count: number) => Array.from({ length: count }, (_, index) => tool(`tool_${index}`));
    expect(errorOf(request({ tools: tools(128) }))).toBeUndefined();
    expectError(request({ tools: tools(129) }), { param: 'tools', code: 'too_many_tools' });
  });
});

describe('tool_choice', () => {
  const tools = [{ type: 'function', function: { name: 'lookup' } }];

  test.each(['auto', 'none', 'required'])('%p with tools is accepted', (choice) => {
    expect(errorOf(request({ tools, tool_choice: choice }))).toBeUndefined();
  });

  test('auto and none without tools are accepted', () => {
    expect(errorOf(request({ tool_choice: 'auto' }))).toBeUndefined();
    expect(errorOf(request({ tool_choice: 'none' }))).toBeUndefined();
  });

  test('an unknown string', () => {
    expectError(request({ tools, tool_choice: 'any' }), {
      message: "tool_choice must be 'auto', 'required', 'none', or a specific function object",
      param: 'tool_choice',
      code: 'invalid_tool_choice',
    });
  });

  test.each([
    {},
    { type: 'tool', function: { name: 'lookup' } },
    { type: 'function' },
    { type: 'function', function: {} },
  ])('a malformed object %p', (choice) => {
    expectError(request({ tools, tool_choice: choice }), {
      message: "tool_choice object must have type='function' and function.name",
      param: 'tool_choice',
      code: 'invalid_tool_choice',
    });
  });

  test('a function that is not among the tools', () => {
    expectError(request({ tools, tool_choice: { type: 'function', function: { name: 'search' } } }), {
      param: 'tool_choice',
      code: 'invalid_tool_choice',
    });
    expectError(request({ tool_choice: { type: 'function', function: { name: 'lookup' } } }), {
      param: 'tool_choice',
      code: 'invalid_tool_choice',
    });
  });

  test('required without tools', () => {
    expectError(request({ tool_choice: 'required' }), { param: 'tool_choice', code: 'invalid_tool_choice' });
  });
});

test('checks run in order: messages before sampling before tools', () => {
  const body = request({ messages: [{ role: 'x', content: 'a' }], temperature: 9, tools: [{ type: 'bad' }] });
  expect(errorOf(body)!.code).toBe('invalid_role');
  expect(errorOf({ ...body, messages: [user('a')] })!.code).toBe('invalid_temperature');
  expect(errorOf({ ...body, messages: [user('a')], temperature: 1 })!.code).toBe('invalid_tool_type');
});
