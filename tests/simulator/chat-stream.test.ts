import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { chat, postJson, readFrames, scanJsonObjects, summarise } from './simulator-test-client';

let simulator: Simulator;

beforeAll(async () => {
  simulator = await startSimulator({
    accounts: [{ token: 'token-basic' }, { token: 'token-heavy', tier: 'heavy' }],
  });
});
afterAll(() => simulator.stop());
beforeEach(() => {
  simulator.reset();
  simulator.setOptions({ framing: 'ndjson' });
});

const EXPECTED_FAST_ANSWER = 'Hello from the Grok simulator (mode fast). You said: What is 2+2?. 你好，世界 👋';

describe('normal stream', () => {
  test('ndjson: one object per line, in the order of a real turn', async () => {
    const response = await chat(simulator, { message: 'system: be terse\n\nWhat is 2+2?' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    const text = await response.text();
    const lines = text.split('\n').filter((line) => line !== '');
    const frames = lines.map((line) => JSON.parse(line));
    const turn = summarise(frames);

    expect(frames[0].result.conversation.conversationId).toBeString();
    expect(frames[0].result.conversation.temporary).toBe(true);
    expect(frames[1].result.response.userResponse.responseId).toBeString();
    expect(turn.thinking).toEqual([]);
    expect(turn.answer.join('')).toBe(EXPECTED_FAST_ANSWER);
    expect(turn.answer.length).toBeGreaterThan(5);
    for (const frame of turn.answerFrames) {
      expect(frame.messageTag).toBe('final');
      expect(frame.isThinking).toBe(false);
      expect(frame.responseId).toBe(turn.modelResponse.responseId);
    }
    expect(turn.modelResponse.message).toBe(EXPECTED_FAST_ANSWER);
    expect(turn.modelResponse.parentResponseId).toBe(turn.userResponse.responseId);
    expect(turn.modelResponse.streamErrors).toEqual([]);
    expect(turn.modelResponse.metadata.llm_info.modelHash).toBeString();
    const last = frames[frames.length - 1].result.response;
    expect(last.isSoftStop).toBe(true);
    expect(last.finalMetadata).toBeObject();
  });

  test('sse: data lines and a closing [DONE]', async () => {
    simulator.setOptions({ framing: 'sse' });
    const response = await chat(simulator);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = await response.text();
    const events = text.split('\n\n').filter((event) => event !== '');
    expect(events.every((event) => event.startsWith('data: '))).toBe(true);
    expect(events[events.length - 1]).toBe('data: [DONE]');
    const frames = events.slice(0, -1).map((event) => JSON.parse(event.slice('data: '.length)));
    expect(summarise(frames).answer.join('')).toBe(EXPECTED_FAST_ANSWER);
  });

  test('concatenated: objects back to back with no separator', async () => {
    simulator.setOptions({ framing: 'concatenated' });
    const text = await (await chat(simulator)).text();
    expect(text).not.toContain('\n');
    expect(text).toContain('}}}{"result"');
    const { objects, rest } = scanJsonObjects(text);
    expect(rest).toBe('');
    const turn = summarise(objects);
    expect(turn.answer.join('')).toBe(EXPECTED_FAST_ANSWER);
    expect(turn.final.isSoftStop).toBe(true);
  });

  test('the echo is the last line of the message, cut at 200 characters', async () => {
    const long = '字'.repeat(250);
    const turn = summarise(await readFrames(await chat(simulator, { message: `first line\n${long}\n` })));
    expect(turn.modelResponse.message).toBe(
      `Hello from the Grok simulator (mode fast). You said: ${'字'.repeat(200)}. 你好，世界 👋`,
    );
  });

  test('a follow-up turn continues a known conversation and 404s an unknown one', async () => {
    const first = summarise(await readFrames(await chat(simulator)));
    const followUp = await postJson(
      simulator,
      `/rest/app-chat/conversations/${first.conversation.conversationId}/responses`,
      { message: 'And 3+3?', modeId: 'fast', responseId: first.modelResponse.responseId },
    );
    expect(followUp.status).toBe(200);
    const turn = summarise(await readFrames(followUp));
    expect(turn.conversation).toBeUndefined();
    expect(turn.answer.join('')).toContain('You said: And 3+3?.');
    const unknown = await postJson(simulator, '/rest/app-chat/conversations/nope/responses', {
      message: 'x',
      modeId: 'fast',
    });
    expect(unknown.status).toBe(404);
  });
});

describe('thinking and modes', () => {
  test('expert streams analysis tokens before the final answer', async () => {
    const frames = await readFrames(await chat(simulator, { modeId: 'expert' }));
    const turn = summarise(frames);
    expect(turn.thinking.length).toBeGreaterThan(3);
    for (const frame of turn.thinkingFrames) {
      expect(frame.isThinking).toBe(true);
      expect(frame.messageTag).toBe('analysis');
    }
    const tokenFrames = frames
      .map((frame) => frame.result?.response)
      .filter((response) => typeof response?.token === 'string');
    const firstAnswer = tokenFrames.findIndex((frame) => !frame.isThinking);
    expect(tokenFrames.slice(firstAnswer).every((frame) => !frame.isThinking)).toBe(true);
    expect(turn.answer.join('')).toContain('(mode expert)');
    expect(turn.modelResponse.message).toBe(turn.answer.join(''));
    expect(turn.modelResponse.message).not.toContain(turn.thinking.join(''));
  });

  test('grok-420-computer-use-sa counts as expert', async () => {
    const turn = summarise(await readFrames(await chat(simulator, { modeId: 'grok-420-computer-use-sa' })));
    expect(turn.thinking.length).toBeGreaterThan(0);
    expect(turn.answer.join('')).toContain('(mode expert)');
    expect(simulator.account('token-basic')!.usage.expert).toBe(1);
  });

  test.each([
    ['MODEL_MODE_FAST', 'fast', false],
    ['MODEL_MODE_EXPERT', 'expert', true],
    ['MODEL_MODE_HEAVY', 'heavy', true],
    ['MODEL_MODE_GROK_4_THINKING', 'auto', true],
    ['MODEL_MODE_GROK_3', 'auto', false],
  ])('legacy modelMode %s is mode %s (thinking %p)', async (modelMode, mode, thinking) => {
    const response = await chat(
      simulator,
      { modeId: undefined, modelName: 'grok-4-1-thinking-1129', modelMode },
      { token: 'token-heavy' },
    );
    const turn = summarise(await readFrames(response));
    expect(turn.answer.join('')).toContain(`(mode ${mode})`);
    expect(turn.thinking.length > 0).toBe(thinking);
    expect(simulator.account('token-heavy')!.usage[mode as 'fast']).toBe(1);
  });

  test.each([
    ['not JSON', '{"message":'],
    ['an array', '[]'],
    ['an empty message', JSON.stringify({ message: '  ', modeId: 'fast' })],
    ['no mode at all', JSON.stringify({ message: 'hi' })],
    ['modelName without modelMode', JSON.stringify({ message: 'hi', modelName: 'grok-3' })],
    ['an unknown modeId', JSON.stringify({ message: 'hi', modeId: 'turbo' })],
  ])('rejects a body with %s as 400 JSON', async (_, body) => {
    const response = await postJson(simulator, '/rest/app-chat/conversations/new', body);
    expect(response.status).toBe(400);
    expect((await response.json()).code).toBe(3);
    expect(simulator.account('token-basic')!.usage.fast).toBe(0);
  });
});

describe('scripts', () => {
  test('explicit tokens keep their exact boundaries', async () => {
    simulator.script({
      answerTokens: ['<grok:ren', 'der card_id="a1">', '</grok:render>', 'Done'],
      thinkingTokens: ['Let me ', 'think.'],
    });
    const turn = summarise(await readFrames(await chat(simulator)));
    expect(turn.answer).toEqual(['<grok:ren', 'der card_id="a1">', '</grok:render>', 'Done']);
    expect(turn.thinking).toEqual(['Let me ', 'think.']);
    expect(turn.modelResponse.message).toBe('<grok:render card_id="a1"></grok:render>Done');
    const next = summarise(await readFrames(await chat(simulator)));
    expect(next.answer.join('')).toBe(EXPECTED_FAST_ANSWER);
  });

  test('a script matched to a token waits for that token, and times counts turns', async () => {
    simulator.script({ answer: 'for heavy only', times: 2, match: { token: 'token-heavy' } });
    expect(summarise(await readFrames(await chat(simulator))).answer.join('')).toBe(EXPECTED_FAST_ANSWER);
    for (let turn = 0; turn < 2; turn++) {
      const scripted = summarise(await readFrames(await chat(simulator, {}, { token: 'token-heavy' })));
      expect(scripted.answer).toEqual(['for', ' heavy', ' only']);
    }
    expect(summarise(await readFrames(await chat(simulator, {}, { token: 'token-heavy' }))).answer.join('')).toBe(
      EXPECTED_FAST_ANSWER,
    );
  });

  test('the request is recorded with headers, cookies and parsed body', async () => {
    await (await chat(simulator, { message: 'record me' })).text();
    const recorded = simulator.requests[simulator.requests.length - 1];
    expect(recorded.method).toBe('POST');
    expect(recorded.path).toBe('/rest/app-chat/conversations/new');
    expect(recorded.cookies.sso).toBe('token-basic');
    expect(recorded.headers['x-statsig-id']).toBeString();
    expect((recorded.body as { message: string }).message).toBe('record me');
    expect(JSON.parse(recorded.rawBody).modeId).toBe('fast');
  });
});
