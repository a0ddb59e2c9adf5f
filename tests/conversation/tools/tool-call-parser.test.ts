import { describe, expect, test } from 'bun:test';
import { newToolCallId, parseToolCalls, type ToolCall } from '../../../src/conversation/tools/tool-call-parser';

const NAMES = ['get_weather', 'get_time'];

const sequentialIds = () => {
  let next = 0;
  return () => `call_${String(next++).padStart(24, '0')}`;
};

const parse = (text: string, names = NAMES) => parseToolCalls(text, names, sequentialIds());

const call = (index: number, name: string, args: string): ToolCall => ({
  id: `call_${String(index).padStart(24, '0')}`,
  type: 'function',
  function: { name, arguments: args },
});

describe('Variant A: JSON inside <tool_call>', () => {
  test('plain text without blocks is the content', () => {
    expect(parse('  Just an answer.\n')).toEqual({ content: 'Just an answer.', toolCalls: [] });
  });

  test('empty or whitespace-only text gives null content', () => {
    expect(parse('')).toEqual({ content: null, toolCalls: [] });
    expect(parse(' \n ')).toEqual({ content: null, toolCalls: [] });
  });

  test('one call, arguments object serialised, content null', () => {
    expect(parse('<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>')).toEqual({
      content: null,
      toolCalls: [call(0, 'get_weather', '{"city":"Paris"}')],
    });
  });

  test('text around and between calls is trimmed and joined with newlines', () => {
    const text =
      'I will check both.\n<tool_call>{"name":"get_weather","arguments":{"city":"Paris"}}</tool_call>\n' +
      '  and  \n<tool_call>{"name":"get_time","arguments":{}}</tool_call>\nDone.';
    expect(parse(text)).toEqual({
      content: 'I will check both.\nand\nDone.',
      toolCalls: [call(0, 'get_weather', '{"city":"Paris"}'), call(1, 'get_time', '{}')],
    });
  });

  test('string arguments are kept as written; missing arguments become {}', () => {
    expect(
      parse('<tool_call>{"name":"get_weather","arguments":"{\\"city\\":\\"Rome\\"}"}</tool_call>').toolCalls,
    ).toEqual([call(0, 'get_weather', '{"city":"Rome"}')]);
    expect(parse('<tool_call>{"name":"get_time"}</tool_call>').toolCalls).toEqual([call(0, 'get_time', '{}')]);
  });

  test('"parameters" and a nested "function" object are understood', () => {
    expect(parse('<tool_call>{"name":"get_weather","parameters":{"city":"Oslo"}}</tool_call>').toolCalls).toEqual([
      call(0, 'get_weather', '{"city":"Oslo"}'),
    ]);
    expect(parse('<tool_call>{"function":{"name":"get_time","arguments":{"tz":"UTC"}}}</tool_call>').toolCalls).toEqual(
      [call(0, 'get_time', '{"tz":"UTC"}')],
    );
  });

  test.each([
    ['a code fence', '<tool_call>\n```json\n{"name":"get_weather","arguments":{"city":"Paris"}}\n```\n</tool_call>'],
    ['a trailing comma', '<tool_call>{"name":"get_weather","arguments":{"city":"Paris",},}</tool_call>'],
    ['a missing closing brace', '<tool_call>{"name":"get_weather","arguments":{"city":"Paris"}</tool_call>'],
    [
      'prose inside the block',
      '<tool_call>Calling: {"name":"get_weather","arguments":{"city":"Paris"}} now</tool_call>',
    ],
    ['upper-case tags', '<TOOL_CALL>{"name":"get_weather","arguments":{"city":"Paris"}}</Tool_Call>'],
  ])('repairs %s', (_, text) => {
    expect(parse(text)).toEqual({ content: null, toolCalls: [call(0, 'get_weather', '{"city":"Paris"}')] });
  });

  test('an unterminated block at the end still becomes a call when it parses', () => {
    expect(parse('Checking. <tool_call>{"name":"get_weather","arguments":{"city":"Paris"}')).toEqual({
      content: 'Checking.',
      toolCalls: [call(0, 'get_weather', '{"city":"Paris"}')],
    });
  });

  test('an unterminated block is read to the very last character', () => {
    expect(parse('<tool_call>{"name":"get_time","arguments":{"offset":12')).toEqual({
      content: null,
      toolCalls: [call(0, 'get_time', '{"offset":12}')],
    });
  });

  test('an unknown name stays in the content verbatim', () => {
    const block = '<tool_call>{"name":"delete_everything","arguments":{}}</tool_call>';
    expect(parse(`Before ${block} after`)).toEqual({ content: `Before ${block} after`, toolCalls: [] });
  });

  test('an unparseable block stays in the content; valid neighbours are still calls', () => {
    const broken = '<tool_call>not json at all</tool_call>';
    const text = `${broken}\n<tool_call>{"name":"get_time","arguments":{}}</tool_call>`;
    expect(parse(text)).toEqual({ content: broken, toolCalls: [call(0, 'get_time', '{}')] });
  });

  test('an unterminated block that does not parse stays as text', () => {
    expect(parse('See <tool_call> for the format')).toEqual({
      content: 'See <tool_call> for the format',
      toolCalls: [],
    });
  });

  test('arguments that are neither object nor string make the block invalid', () => {
    const block = '<tool_call>{"name":"get_time","arguments":[1,2]}</tool_call>';
    expect(parse(block)).toEqual({ content: block, toolCalls: [] });
  });

  test('no declared names: nothing is a call', () => {
    const block = '<tool_call>{"name":"get_time","arguments":{}}</tool_call>';
    expect(parse(block, [])).toEqual({ content: block, toolCalls: [] });
  });

  test('multi-byte text around blocks survives', () => {
    const text = '你好👋<tool_call>{"name":"get_weather","arguments":{"city":"東京"}}</tool_call>👋你好';
    expect(parse(text)).toEqual({ content: '你好👋\n👋你好', toolCalls: [call(0, 'get_weather', '{"city":"東京"}')] });
  });
});

describe('Variant B: XML <tool_calls> list', () => {
  test('several calls in one list', () => {
    const text =
      'Sure.\n<tool_calls>\n  <tool_call>\n    <tool_name>get_weather</tool_name>\n    <parameters>{"city":"Paris"}</parameters>\n  </tool_call>\n' +
      '  <tool_call>\n    <tool_name>get_time</tool_name>\n  </tool_call>\n</tool_calls>';
    expect(parse(text)).toEqual({
      content: 'Sure.',
      toolCalls: [call(0, 'get_weather', '{"city":"Paris"}'), call(1, 'get_time', '{}')],
    });
  });

  test('HTML-escaped parameters and compact re-serialisation', () => {
    const text =
      '<tool_calls><tool_call><tool_name>get_weather</tool_name><parameters>{ &quot;city&quot; : &quot;A&amp;B&quot; }</parameters></tool_call></tool_calls>';
    expect(parse(text).toolCalls).toEqual([call(0, 'get_weather', '{"city":"A&B"}')]);
  });

  test('a list child written in Variant A JSON is accepted', () => {
    const text = '<tool_calls><tool_call>{"name":"get_time","arguments":{}}</tool_call></tool_calls>';
    expect(parse(text).toolCalls).toEqual([call(0, 'get_time', '{}')]);
  });

  test('a list is all or nothing: one unknown name keeps the whole list as text', () => {
    const text =
      '<tool_calls><tool_call><tool_name>get_time</tool_name></tool_call><tool_call><tool_name>rm_rf</tool_name></tool_call></tool_calls>';
    expect(parse(text)).toEqual({ content: text, toolCalls: [] });
  });

  test('parameters that are not an object make the list invalid', () => {
    const text =
      '<tool_calls><tool_call><tool_name>get_time</tool_name><parameters>[1]</parameters></tool_call></tool_calls>';
    expect(parse(text)).toEqual({ content: text, toolCalls: [] });
  });

  test('an empty list is text', () => {
    expect(parse('<tool_calls></tool_calls>')).toEqual({ content: '<tool_calls></tool_calls>', toolCalls: [] });
  });

  test('an unterminated list at the end becomes calls when it parses', () => {
    const text = '<tool_calls><tool_call><tool_name>get_weather</tool_name><parameters>{"city":"Paris"}';
    expect(parse(text)).toEqual({ content: null, toolCalls: [call(0, 'get_weather', '{"city":"Paris"}')] });
  });

  test('both variants in one answer, ids in order', () => {
    const text =
      '<tool_call>{"name":"get_time","arguments":{}}</tool_call><tool_calls><tool_call><tool_name>get_weather</tool_name></tool_call></tool_calls>';
    expect(parse(text).toolCalls).toEqual([call(0, 'get_time', '{}'), call(1, 'get_weather', '{}')]);
  });
});

describe('newToolCallId', () => {
  test('call_ followed by 24 hex digits, different each time', () => {
    const ids = new Set(Array.from({ length: 50 }, newToolCallId));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^call_[0-9a-f]{24}$/);
  });

  test('the parser uses it by default', () => {
    const { toolCalls } = parseToolCalls('<tool_call>{"name":"get_time"}</tool_call>', NAMES);
    expect(toolCalls[0]!.id).toMatch(/^call_[0-9a-f]{24}$/);
  });
});
