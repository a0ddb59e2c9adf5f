import { describe, expect, test } from 'bun:test';
import { activeToolNames, activeTools, type FunctionTool } from '../../../src/conversation/tools/active-tools';
import { parseToolCalls } from '../../../src/conversation/tools/tool-call-parser';
import { buildToolPrompt } from '../../../src/conversation/tools/tool-prompt';

const weather: FunctionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city.',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
const clock: FunctionTool = { type: 'function', function: { name: 'get_time' } };

describe('buildToolPrompt', () => {
  const prompt = buildToolPrompt([weather, clock], 'auto', true);

  test('has the heading, the exact format and one section per tool', () => {
    expect(prompt.startsWith('# Available Tools\n\n')).toBe(true);
    expect(prompt).toContain('<tool_call>\n{"name": "function_name", "arguments": {"param": "value"}}\n</tool_call>');
    expect(prompt).toContain(
      '### get_weather\nCurrent weather for a city.\nParameters: {"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}',
    );
    expect(prompt).toContain('### get_time\nParameters: {"type":"object","properties":{}}');
    expect(prompt.indexOf('### get_weather')).toBeLessThan(prompt.indexOf('### get_time'));
    // flatten.ts writes results in this form (current by default); the prompt must announce the same one.
    expect(prompt).toContain('"Tool result (<name>, <call id>): <result>"');
    expect(buildToolPrompt([weather], 'auto', true, 'legacy')).toContain('"tool (<name>, <call id>): <result>"');
  });

  test('the format example it teaches is something our parser reads back', () => {
    const example = prompt.slice(prompt.indexOf('<tool_call>'), prompt.indexOf('</tool_call>') + '</tool_call>'.length);
    const parsed = parseToolCalls(example, ['function_name'], () => 'call_test');
    expect(parsed.toolCalls).toEqual([
      { id: 'call_test', type: 'function', function: { name: 'function_name', arguments: '{"param":"value"}' } },
    ]);
  });

  test('auto (and absent) leaves the decision to the model', () => {
    for (const choice of ['auto', undefined] as const) {
      const text = buildToolPrompt([weather], choice, true);
      expect(text).toContain('Decide whether a tool is needed');
      expect(text).not.toContain('MUST');
    }
  });

  test('required demands at least one call', () => {
    const text = buildToolPrompt([weather], 'required', true);
    expect(text).toContain('You MUST call at least one tool');
    expect(text).not.toContain('Decide whether');
  });

  test('a named function demands that function', () => {
    const text = buildToolPrompt([weather, clock], { type: 'function', function: { name: 'get_time' } }, true);
    expect(text).toContain('You MUST call the tool "get_time"');
    expect(text).not.toContain('at least one tool');
  });

  test('parallel calls are allowed by default and limited to one when disabled', () => {
    expect(buildToolPrompt([weather], 'auto')).toContain('one <tool_call> block per call');
    const single = buildToolPrompt([weather], 'auto', false);
    expect(single).toContain('Call at most one tool per reply');
    expect(single).not.toContain('one <tool_call> block per call');
  });

  test('ends with the tool_choice rule', () => {
    expect(
      buildToolPrompt([weather], 'required').endsWith(
        '## When to Call a Tool\n\nYou MUST call at least one tool in this reply; a reply without a <tool_call> block is not acceptable.',
      ),
    ).toBe(true);
  });
});

describe('activeTools', () => {
  test('function tools with names, unless tool_choice is none', () => {
    const tools = [weather, { type: 'web_search' }, clock];
    expect(activeToolNames({ tools })).toEqual(['get_weather', 'get_time']);
    expect(activeToolNames({ tools, tool_choice: 'required' })).toEqual(['get_weather', 'get_time']);
    expect(activeToolNames({ tools, tool_choice: 'none' })).toEqual([]);
    expect(activeToolNames({})).toEqual([]);
    expect(activeTools({ tools })).toEqual([weather, clock]);
  });
});
