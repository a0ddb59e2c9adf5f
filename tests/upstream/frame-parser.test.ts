import { describe, expect, test } from 'bun:test';
import { UpstreamError } from '../../src/upstream/errors';
import { FrameParser } from '../../src/upstream/grok/frame-parser';
import type { GrokEvent } from '../../src/upstream/grok/frames';

const ASSETS = 'https://assets.example';
const newParser = () => new FrameParser({ assetsUrl: ASSETS, filterTags: ['xaiartifact', 'xai:tool_usage_card', 'grok:render'] });
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
      { type: 'final', responseId: 'resp_1', message: '2 + 2 = 4.', rawMessage: '2 + 2 = 4.', generatedImageUrls: [], modelHash: 'h1' },
      { type: 'done' },
    ]);
  });

  test('agent work with messageStepId is reasoning; tool and raw result tokens are not text', () => {
    const events = parseAll([
      response({ token: 'agent plans', isThinking: false, messageStepId: 2, rolloutId: 'Agent 1' }),
      response({ token: '{"raw":1}', messageTag: 'raw_function_result' }),
      response({
        token:
          '<xai:tool_usage_card><xai:tool_name>web_search</xai:tool_name><xai:tool_args><![CDATA[{"query":"grok',
        messageTag: 'tool_usage_card',
        rolloutId: 'Agent 1',
      }),
      response({ token: ' release"}]]></xai:tool_args></xai:tool_usage_card>', messageTag: 'tool_usage_card', rolloutId: 'Agent 1' }),
      response({ token: 'Answer', messageTag: 'final' }),
      response({ token: ' text' }),
    ]);
    expect(events).toEqual([
      { type: 'reasoning', text: 'agent plans' },
      { type: 'tool_usage', summary: '[WebSearch] grok release', toolName: 'web_search', args: { query: 'grok release' }, rolloutId: 'Agent 1' },
      { type: 'text', text: 'Answer' },
      { type: 'text', text: ' text' },
      { type: 'done' },
    ]);
  });

  test('structured tool cards replace their XML copies', () => {
    const events = parseAll([
      response({ toolUsageCard: { toolUsageCardId: 'c1', webSearch: { args: { query: 'bun' } } }, messageTag: 'tool_usage_card' }),
      response({
        token: '<xai:tool_usage_card><xai:tool_name>web_search</xai:tool_name><xai:tool_args>{"query":"bun"}</xai:tool_args></xai:tool_usage_card>',
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
      response({ streamingImageGenerationResponse: { imageIndex: 0, progress: 50, imageUrl: 'users/1/generated/a-part-0/image.jpg' } }),
      response({ streamingImageGenerationResponse: { imageIndex: 1, isFinal: true, url: '/users/1/generated/b/image.jpg', moderated: true } }),
      response({ cardAttachment: { jsonData: JSON.stringify(card) }, messageTag: 'final' }),
      response({ token: `Here <grok:render card_id="x1" card_type="generated_image_card" type="render_file"></grok:render>`, messageTag: 'final' }),
      response({
        modelResponse: {
          message: 'Here <grok:render card_id="x1" card_type="generated_image_card" type="render_file"></grok:render>',
          generatedImageUrls: ['users/1/generated/a/image.jpg', 'users/1/generated/b/image.jpg'],
        },
      }),
    ]);
    expect(events).toEqual([
      { type: 'image', url: `${ASSETS}/users/1/generated/a-part-0/image.jpg`, index: 0, progress: 50, moderated: false },
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
          cardAttachmentsJson: [JSON.stringify({ id: 's1', image: { title: 'Cat', original: 'https://img.example/cat.jpg' } })],
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
    expect(parseAll([response({ llmInfo: { modelHash: 'abc' } }), { result: { title: 'x' } }, { hello: 1 }, response({ isThinking: 'yes' })])).toEqual([
      { type: 'metadata', modelHash: 'abc' },
      { type: 'done' },
    ]);
  });

  test('a tag held back at the end of the stream is released by finish()', () => {
    const events = parseAll([response({ token: 'a <gro' })]);
    expect(events).toEqual([{ type: 'text', text: 'a ' }, { type: 'text', text: '<gro' }, { type: 'done' }]);
  });

  test.each([
    [{ error: { message: 'rate limited', code: 8 } }, 'rate_limited', 'cool', true],
    [{ error: { message: 'Request rejected by anti-bot rules.', code: 7, details: [] } }, 'anti_bot', 'none', true],
    [response({ error: { message: "You've reached your usage limit. Please try again later." } }), 'usage_limit', 'cool', true],
    [response({ modelResponse: { message: '', streamErrors: ['generation failed'] } }), 'stream_error', 'none', true],
    [response({ modelResponse: { streamErrors: [{ message: 'boom' }] } }), 'stream_error', 'none', true],
    [{ event: { type: 'error', error: { code: 'anti_bot', message: 'anti-bot rejected' } } }, 'anti_bot', 'none', true],
    [{ session_id: 's', event: { type: 'response.grok.output', output: { stream_error: { message: 'slow down', code: 8 } } } }, 'rate_limited', 'cool', true],
    [{ error: { message: 'User is blocked [WKE=unauthorized:blocked-user]', code: 7 } }, 'account_blocked', 'disable', true],
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
