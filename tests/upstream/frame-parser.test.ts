import { describe, expect, test } from 'bun:test';
import { UpstreamError } from '../../src/upstream/errors';
import { FrameParser } from '../../src/upstream/grok/frame-parser';
import type { GrokEvent } from '../../src/upstream/grok/frames';

const ASSETS = 'https://assets.example';
const newParser = () =>
  new FrameParser({ assetsUrl: ASSETS, filterTags: ['xaiartifact', 'xai:tool_usage_card', 'grok:render'] });
const response = (fields: Record<string, unknown>) => ({ result: { response: fields } });

function parseAll(frames: unknown[]): GrokEvent[] {
  const parser = newParser();
  return [...frames.flatMap((frame) => parser.parseFrame(frame)), ...parser.finish()];
}

function thrownBy(frame: unknown): unknown {
  try {
    newParser().parseFrame(frame);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('FrameParser', () => {
  test('the example stream of §7.10', () => {
    const lines = [
      '{"result":{"conversation":{"conversationId":"conv_1"}}}',
      '{"result":{"response":{"userResponse":{"responseId":"up_1"}}}}',
      '{"result":{"response":{"token":"The user asks a sum. ","isThinking":true,"messageTag":"analysis","responseId":"resp_1"}}}',
      '{"result":{"response":{"token":"2+2=4.","isThinking":true,"messageTag":"analysis","responseId":"resp_1"}}}',
      '{"result":{"response":{"token":"2 + 2","isThinking":false,"messageTag":"final","responseId":"resp_1"}}}',
      '{"result":{"response":{"token":" = 4.","isThinking":false,"messageTag":"final","responseId":"resp_1","webSearchResults":{"results":[]}}}}',
      '{"result":{"response":{"modelResponse":{"responseId":"resp_1","message":"2 + 2 = 4.","parentResponseId":"up_1","generatedImageUrls":[],"cardAttachmentsJson":[],"fileAttachments":[],"streamErrors":[],"metadata":{"llm_info":{"modelHash":"h1"}}}}}}',
      '{"result":{"response":{"finalMetadata":{},"isSoftStop":true,"responseId":"resp_1"}}}',
    ];
    expect(parseAll(lines.map((line) => JSON.parse(line)))).toEqual([
      { type: 'conversation', conversationId: 'conv_1' },
      { type: 'reasoning', text: 'The user asks a sum. ', responseId: 'resp_1' },
      { type: 'reasoning', text: '2+2=4.', responseId: 'resp_1' },
      { type: 'text', text: '2 + 2', responseId: 'resp_1' },
      { type: 'text', text: ' = 4.', responseId: 'resp_1' },
      {
        type: 'final',
        responseId: 'resp_1',
        message: '2 + 2 = 4.',
        rawMessage: '2 + 2 = 4.',
        generatedImageUrls: [],
        modelHash: 'h1',
      },
      { type: 'done' },
    ]);
  });

  test('agent work with messageStepId is reasoning; tool and raw result tokens are not text', () => {
    const events = parseAll([
      response({ token: 'agent plans', isThinking: false, messageStepId: 2, rolloutId: 'Agent 1' }),
      response({ token: '{"raw":1}', messageTag: 'raw_function_result' }),
      response({
        token: '<xai:tool_usage_card><xai:tool_name>web_search</xai:tool_name><xai:tool_args><![CDATA[{"query":"grok',
        messageTag: 'tool_usage_card',
        rolloutId: 'Agent 1',
      }),
      response({
        token: ' release"}]]></xai:tool_args></xai:tool_usage_card>',
        messageTag: 'tool_usage_card',
        rolloutId: 'Agent 1',
      }),
      response({ token: 'Answer', messageTag: 'final' }),
      response({ token: ' text' }),
    ]);
    expect(events).toEqual([
      { type: 'reasoning', text: 'agent plans' },
      {
        type: 'tool_usage',
        summary: '[WebSearch] grok release',
        toolName: 'web_search',
        args: { query: 'grok release' },
        rolloutId: 'Agent 1',
      },
      { type: 'text', text: 'Answer' },
      { type: 'text', text: ' text' },
      { type: 'done' },
    ]);
  });

  test('structured tool cards replace their XML copies', () => {
    const events = parseAll([
      response({
        toolUsageCard: { toolUsageCardId: 'c1', webSearch: { args: { query: 'bun' } } },
        messageTag: 'tool_usage_card',
      }),
      response({
        token:
          '<xai:tool_usage_card><xai:tool_name>web_search</xai:tool_name><xai:tool_args>{"query":"bun"}</xai:tool_args></xai:tool_usage_card>',
        messageTag: 'tool_usage_card',
      }),
      response({ toolUsageCard: { toolUsageCardId: 'c2', chatroomSend: { args: { message: 'hi team' } } } }),
    ]);
    expect(events.filter((event) => event.type === 'tool_usage')).toEqual([
      { type: 'tool_usage', summary: '[WebSearch] bun', toolName: 'web_search', args: { query: 'bun' } },
      { type: 'tool_usage', summary: '[AgentThink] hi team', toolName: 'chatroom_send', args: { message: 'hi team' } },
    ]);
  });

  test('image progress, cards and the final list, without moderated images', () => {
    const card = {
      id: 'x1',
      type: 'render_file',
      cardType: 'generated_image_card',
      image_chunk: { imageUuid: 'u1', imageUrl: 'users/1/generated/a/image.jpg', progress: 100, moderated: false },
    };
    const events = parseAll([
      response({
        streamingImageGenerationResponse: {
          imageIndex: 0,
          progress: 50,
          imageUrl: 'users/1/generated/a-part-0/image.jpg',
        },
      }),
      response({
        streamingImageGenerationResponse: {
          imageIndex: 1,
          isFinal: true,
          url: '/users/1/generated/b/image.jpg',
          moderated: true,
        },
      }),
      response({ cardAttachment: { jsonData: JSON.stringify(card) }, messageTag: 'final' }),
      response({
        token: `Here <grok:render card_id="x1" card_type="generated_image_card" type="render_file"></grok:render>`,
        messageTag: 'final',
      }),
      response({
        modelResponse: {
          message: 'Here <grok:render card_id="x1" card_type="generated_image_card" type="render_file"></grok:render>',
          generatedImageUrls: ['users/1/generated/a/image.jpg', 'users/1/generated/b/image.jpg'],
        },
      }),
    ]);
    expect(events).toEqual([
      {
        type: 'image',
        url: `${ASSETS}/users/1/generated/a-part-0/image.jpg`,
        index: 0,
        progress: 50,
        moderated: false,
      },
      { type: 'image', url: `${ASSETS}/users/1/generated/b/image.jpg`, index: 1, progress: 100, moderated: true },
      { type: 'image', url: `${ASSETS}/users/1/generated/a/image.jpg`, index: 0, progress: 100, moderated: false },
      { type: 'text', text: 'Here ' },
      {
        type: 'final',
        message: 'Here ',
        rawMessage: 'Here <grok:render card_id="x1" card_type="generated_image_card" type="render_file"></grok:render>',
        generatedImageUrls: [`${ASSETS}/users/1/generated/a/image.jpg`],
      },
      { type: 'done' },
    ]);
  });

  test('the final message renders searched images from cardAttachmentsJson', () => {
    const events = parseAll([
      response({
        modelResponse: {
          responseId: 'r1',
          message: 'A cat:<grok:render card_id="s1" type="render_searched_image"></grok:render>',
          cardAttachmentsJson: [
            JSON.stringify({ id: 's1', image: { title: 'Cat', original: 'https://img.example/cat.jpg' } }),
          ],
        },
      }),
    ]);
    expect(events[0]).toMatchObject({ type: 'final', message: 'A cat:\n![Cat](https://img.example/cat.jpg)' });
  });

  test('an empty final message falls back to the streamed answer', () => {
    const events = parseAll([response({ token: 'streamed' }), response({ modelResponse: { message: '' } })]);
    expect(events[1]).toMatchObject({ type: 'final', message: 'streamed', rawMessage: '' });
  });

  test('llmInfo gives metadata; unknown frames are ignored', () => {
    expect(
      parseAll([
        response({ llmInfo: { modelHash: 'abc' } }),
        { result: { title: 'x' } },
        { hello: 1 },
        response({ isThinking: 'yes' }),
      ]),
    ).toEqual([{ type: 'metadata', modelHash: 'abc' }, { type: 'done' }]);
  });

  test('a tag held back at the end of the stream is released by finish()', () => {
    const events = parseAll([response({ token: 'a <gro' })]);
    expect(events).toEqual([{ type: 'text', text: 'a ' }, { type: 'text', text: '<gro' }, { type: 'done' }]);
  });

  test.each([
    [{ error: { message: 'rate limited', code: 8 } }, 'rate_limited', 'cool', true],
    [{ error: { message: 'Request rejected by anti-bot rules.', code: 7, details: [] } }, 'anti_bot', 'none', true],
    [
      response({ error: { message: "You've reached your usage limit. Please try again later." } }),
      'usage_limit',
      'cool',
      true,
    ],
    [response({ modelResponse: { message: '', streamErrors: ['generation failed'] } }), 'stream_error', 'none', true],
    [response({ modelResponse: { streamErrors: [{ message: 'boom' }] } }), 'stream_error', 'none', true],
    [{ event: { type: 'error', error: { code: 'anti_bot', message: 'anti-bot rejected' } } }, 'anti_bot', 'none', true],
    [
      {
        session_id: 's',
        event: { type: 'response.grok.output', output: { stream_error: { message: 'slow down', code: 8 } } },
      },
      'rate_limited',
      'cool',
      true,
    ],
    [
      { error: { message: 'User is blocked [WKE=unauthorized:blocked-user]', code: 7 } },
      'account_blocked',
      'disable',
      true,
    ],
    [{ error: { message: 'something odd' } }, 'stream_error', 'none', true],
  ])('in-band error %j', (frame, code, accountEffect, retryable) => {
    const error = thrownBy(frame);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ code, accountEffect, retryable });
  });

  test('an empty streamErrors list is not an error', () => {
    expect(thrownBy(response({ modelResponse: { message: 'ok', streamErrors: [] } }))).toBeUndefined();
  });
});

/** Each reading rule on its own, with the exact events that come out. */
describe('FrameParser details', () => {
  const imageCard = (id: string, chunk: Record<string, unknown>) =>
    response({
      cardAttachment: {
        jsonData: JSON.stringify({ id, type: 'render_file', cardType: 'generated_image_card', image_chunk: chunk }),
      },
    });
  const xmlToolCard = (query: string) =>
    '<xai:tool_usage_card><xai:tool_name>web_search</xai:tool_name>' +
    `<xai:tool_args>{"query":"${query}"}</xai:tool_args></xai:tool_usage_card>`;

  test('a soft stop or final metadata alone ends the answer, and only once', () => {
    const parser = newParser();
    expect(parser.parseFrame(response({ isSoftStop: true }))).toEqual([{ type: 'done' }]);
    expect(parser.finish()).toEqual([]);
    const other = newParser();
    expect(other.parseFrame(response({ finalMetadata: {} }))).toEqual([{ type: 'done' }]);
    expect(other.parseFrame(response({ finalMetadata: {} }))).toEqual([]);
    expect(newParser().parseFrame(response({ isSoftStop: false }))).toEqual([]);
  });

  test('held-back reasoning is released as reasoning, text as text', () => {
    const events = parseAll([response({ token: 'think <gro', isThinking: true }), response({ token: 'ok' })]);
    expect(events).toEqual([
      { type: 'reasoning', text: 'think ' },
      { type: 'text', text: 'ok' },
      { type: 'reasoning', text: '<gro' },
      { type: 'done' },
    ]);
  });

  test('what decides reasoning: isThinking, a step id, or the analysis tag', () => {
    expect(parseAll([response({ token: 'a', isThinking: true })])[0]).toEqual({ type: 'reasoning', text: 'a' });
    expect(parseAll([response({ token: 'b', messageStepId: 0 })])[0]).toEqual({ type: 'reasoning', text: 'b' });
    expect(parseAll([response({ token: 'c', messageTag: 'analysis', isThinking: false })])[0]).toEqual({
      type: 'reasoning',
      text: 'c',
    });
    expect(parseAll([response({ token: 'd', messageStepId: null, isThinking: false })])[0]).toEqual({
      type: 'text',
      text: 'd',
    });
  });

  test('tokens with other tags, raw results and empty tokens are no text', () => {
    expect(
      parseAll([
        response({ token: 'header', messageTag: 'summary' }),
        response({ token: '{"raw":1}', messageTag: 'raw_function_result', messageStepId: 3 }),
        response({ token: '{"raw":2}', messageTag: 'raw_function_result', isThinking: true }),
        response({ token: '', messageTag: 'final' }),
      ]),
    ).toEqual([{ type: 'done' }]);
  });

  test('a token that is only the start of a tag gives no empty text event', () => {
    const parser = newParser();
    expect(parser.parseFrame(response({ token: '<gro' }))).toEqual([]);
    expect(parser.parseFrame(response({ token: 'k:render' }))).toEqual([]);
  });

  test('reasoning and text are filtered apart, so a tag split across them is not joined', () => {
    const events = parseAll([response({ token: 'x <grok:', isThinking: true }), response({ token: 'render>y' })]);
    expect(events).toEqual([
      { type: 'reasoning', text: 'x ' },
      { type: 'text', text: 'render>y' },
      { type: 'reasoning', text: '<grok:' },
      { type: 'done' },
    ]);
  });

  test('XML tool cards in tool tokens and in answer text become tool_usage events, without a rollout when none', () => {
    const events = parseAll([
      response({ token: xmlToolCard('one'), messageTag: 'tool_usage_card' }),
      response({ token: `before ${xmlToolCard('two')} after`, messageTag: 'final' }),
    ]);
    expect(events).toStrictEqual([
      { type: 'tool_usage', summary: '[WebSearch] one', toolName: 'web_search', args: { query: 'one' } },
      { type: 'tool_usage', summary: '[WebSearch] two', toolName: 'web_search', args: { query: 'two' } },
      { type: 'text', text: 'before  after' },
      { type: 'done' },
    ]);
  });

  test('tool cards of different rollouts are read apart', () => {
    const card = xmlToolCard('split');
    const events = parseAll([
      response({ token: card.slice(0, 40), messageTag: 'tool_usage_card', rolloutId: 'A' }),
      response({ token: xmlToolCard('b'), messageTag: 'tool_usage_card', rolloutId: 'B' }),
      response({ token: card.slice(40), messageTag: 'tool_usage_card', rolloutId: 'A' }),
    ]);
    expect(events.filter((event) => event.type === 'tool_usage').map((event) => [event.rolloutId, event.args])).toEqual(
      [
        ['B', { query: 'b' }],
        ['A', { query: 'split' }],
      ],
    );
  });

  test('after a structured tool card, XML copies in answer text are dropped too', () => {
    const events = parseAll([
      response({ toolUsageCard: { toolUsageCardId: 'c1', webSearch: { args: { query: 'bun' } } }, rolloutId: 'R' }),
      response({ token: `see ${xmlToolCard('bun')}`, messageTag: 'final' }),
    ]);
    expect(events).toEqual([
      {
        type: 'tool_usage',
        summary: '[WebSearch] bun',
        toolName: 'web_search',
        args: { query: 'bun' },
        rolloutId: 'R',
      },
      { type: 'text', text: 'see ' },
      { type: 'done' },
    ]);
  });

  test('a structured tool card that cannot be read is skipped and does not hide the XML ones', () => {
    const events = parseAll([
      response({ toolUsageCard: { unknownTool: 1 } }),
      response({ token: xmlToolCard('still'), messageTag: 'tool_usage_card' }),
    ]);
    expect(events).toEqual([
      { type: 'tool_usage', summary: '[WebSearch] still', toolName: 'web_search', args: { query: 'still' } },
      { type: 'done' },
    ]);
  });

  test('image cards: one slot per image uuid, else per card id; moderated images stay out of the final list', () => {
    const events = parseAll([
      imageCard('c1', { imageUuid: 'u1', imageUrl: 'img/u1-part.jpg', progress: 40 }),
      imageCard('c2', { imageUuid: 'u1', imageUrl: 'img/u1.jpg', progress: 100 }),
      imageCard('c3', { image_url: 'img/c3.jpg' }),
      imageCard('c3', { image_url: 'img/c3-final.jpg', moderated: true }),
      imageCard('c4', { imageUuid: 'u4' }),
      {
        result: {
          response: { cardAttachments: [{ jsonData: { id: 'c5', image_chunk: { imageUrl: 'img/c5.jpg' } } }, 'junk'] },
        },
      },
      response({ cardAttachment: { jsonData: JSON.stringify({ id: 's1', image: { original: 'https://x/y.jpg' } }) } }),
      response({ modelResponse: { message: 'done', generatedImageUrls: ['img/c3-final.jpg', 'img/u1.jpg'] } }),
    ]);
    expect(events).toEqual([
      { type: 'image', url: `${ASSETS}/img/u1-part.jpg`, index: 0, progress: 40, moderated: false },
      { type: 'image', url: `${ASSETS}/img/u1.jpg`, index: 0, progress: 100, moderated: false },
      { type: 'image', url: `${ASSETS}/img/c3.jpg`, index: 1, progress: 0, moderated: false },
      { type: 'image', url: `${ASSETS}/img/c3-final.jpg`, index: 1, progress: 0, moderated: true },
      { type: 'image', url: `${ASSETS}/img/c5.jpg`, index: 2, progress: 0, moderated: false },
      { type: 'final', message: 'done', rawMessage: 'done', generatedImageUrls: [`${ASSETS}/img/u1.jpg`] },
      { type: 'done' },
    ]);
  });

  test('image progress without a URL is ignored', () => {
    expect(parseAll([response({ streamingImageGenerationResponse: { imageIndex: 0, progress: 10 } })])).toEqual([
      { type: 'done' },
    ]);
  });

  test('the final event: fallback to the streamed answer (not the reasoning), and each image list key', () => {
    const events = parseAll([
      response({ token: 'thinking', isThinking: true }),
      response({ token: 'streamed' }),
      response({
        modelResponse: {
          message: '  \n',
          generatedImageUrls: [42, '', 'img/a.jpg'],
          imageUrls: ['img/b.jpg', 'img/a.jpg'],
          imageURLs: ['img/c.jpg'],
        },
      }),
    ]);
    expect(events[2]).toStrictEqual({
      type: 'final',
      message: 'streamed',
      rawMessage: '  \n',
      generatedImageUrls: [`${ASSETS}/img/a.jpg`, `${ASSETS}/img/b.jpg`, `${ASSETS}/img/c.jpg`],
    });
  });

  test('a final event without a message has an empty raw message; tool cards in it are kept as text', () => {
    expect(parseAll([response({ modelResponse: {} })])[0]).toStrictEqual({
      type: 'final',
      message: '',
      rawMessage: '',
      generatedImageUrls: [],
    });
    const final = parseAll([response({ modelResponse: { message: `Found: ${xmlToolCard('cats')}` } })])[0];
    expect(final).toMatchObject({ type: 'final' });
    expect((final as { message: string }).message).toContain('[WebSearch] cats');
  });

  test('in-band errors given as text or as objects keep their message and code', () => {
    const messageOf = (frame: unknown) => (thrownBy(frame) as UpstreamError).message;
    expect(thrownBy({ error: 'too many requests' })).toMatchObject({ code: 'rate_limited' });
    expect(messageOf({ error: 'odd failure' })).toBe('chat stream: upstream reported an error (odd failure)');
    expect(messageOf(response({ error: 'odd failure' }))).toBe('chat stream: upstream reported an error (odd failure)');
    expect(thrownBy({ event: { type: 'error', error: 'rate limit' } })).toMatchObject({ code: 'rate_limited' });
    expect(thrownBy({ error: { code: 8, message: null } })).toMatchObject({ code: 'rate_limited' });
    expect(messageOf({ error: { code: null, message: 'plain' } })).toBe(
      'chat stream: upstream reported an error (plain)',
    );
  });

  test('stream errors of every shape', () => {
    const streamError = (value: unknown) =>
      thrownBy(response({ modelResponse: { streamErrors: [value] } })) as UpstreamError;
    expect(streamError('rate limit hit')).toMatchObject({
      code: 'rate_limited',
      message: 'chat stream: rate limited (rate limit hit)',
    });
    expect(streamError(42)).toMatchObject({
      code: 'stream_error',
      message: 'chat stream: upstream reported an error (stream error)',
    });
    expect(streamError({ code: 8 })).toMatchObject({
      code: 'rate_limited',
      message: 'chat stream: rate limited (stream error)',
    });
    expect(streamError({ message: 'first', error: 'too many requests' })).toMatchObject({
      code: 'stream_error',
      message: 'chat stream: upstream reported an error (first)',
    });
    expect(streamError({ error: 'too many requests', detail: 'x' })).toMatchObject({ code: 'rate_limited' });
    expect(streamError({ detail: 'usage limit' })).toMatchObject({
      code: 'usage_limit',
      message: 'chat stream: usage limit reached (usage limit)',
    });
    expect(streamError({ message: 'too many requests' })).toMatchObject({ code: 'rate_limited' });
  });
});
