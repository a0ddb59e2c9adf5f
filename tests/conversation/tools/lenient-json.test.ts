import { describe, expect, test } from 'bun:test';
import { parseLenientObject } from '../../../src/conversation/tools/lenient-json';

describe('parseLenientObject', () => {
  test.each([
    ['strict JSON', '{"a":1,"b":[1,2]}', { a: 1, b: [1, 2] }],
    ['surrounding whitespace', '\n  {"a":1}\n', { a: 1 }],
    ['a Markdown fence', '```json\n{"a":1}\n```', { a: 1 }],
    ['a bare fence', '```\n{"a":1}\n```', { a: 1 }],
    ['prose around the object', 'Sure! {"a":1} hope that helps', { a: 1 }],
    ['trailing commas in objects and arrays', '{"a":[1,2,],"b":{"c":1,},}', { a: [1, 2], b: { c: 1 } }],
    ['one missing closing brace', '{"name":"f","arguments":{"x":1}', { name: 'f', arguments: { x: 1 } }],
    ['all closing brackets missing', '{"a":{"b":[1,{"c":2', { a: { b: [1, { c: 2 }] } }],
    ['a cut-off string', '{"a":"hel', { a: 'hel' }],
    ['a cut-off after a comma', '{"a":1,', { a: 1 }],
    ['raw line breaks inside a string', '{"a":"line one\nline two\ttab"}', { a: 'line one\nline two\ttab' }],
    ['line breaks between tokens', '{\n"a":\n1\n}', { a: 1 }],
    ['braces and commas inside strings are text', '{"a":"x,}","b":"{,]"}', { a: 'x,}', b: '{,]' }],
    ['escaped quotes inside strings', '{"a":"say \\"hi\\", ok"}', { a: 'say "hi", ok' }],
    ['multi-byte text', '{"greeting":"你好👋",}', { greeting: '你好👋' }],
  ])('repairs %s', (_, input, expected) => {
    expect(parseLenientObject(input)).toEqual(expected);
  });

  test.each([
    ['no object at all', 'hello'],
    ['an array', '[1,2]'],
    ['a number', '42'],
    ['garbage between braces', '{name: get_weather}'],
    ['an empty string', ''],
  ])('gives up on %s', (_, input) => {
    expect(parseLenientObject(input)).toBeUndefined();
  });
});
