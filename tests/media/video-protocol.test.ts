import { describe, expect, test } from 'bun:test';
import { buildConfig } from '../../src/config/validate';
import { chooseVideoProtocol, isBodyRefusal, VideoProtocolMemory } from '../../src/media/videos/video-protocol';
import { UpstreamError } from '../../src/upstream/errors';

// Which upstream form renders a video (docs/upstream-protocol.md §13.1, §13.2; docs/media.md).

const config = (protocol: 'auto' | 'current' | 'legacy') => buildConfig({ video: { protocol } });
const plain = { seconds: 6, hasReference: false };

describe('chooseVideoProtocol', () => {
  test('auto tries the current form and may fall back; once refused, it goes legacy for good', () => {
    const memory = new VideoProtocolMemory();
    expect(chooseVideoProtocol(config('auto'), plain, memory)).toEqual({ protocol: 'current', mayFallBack: true });
    memory.rememberCurrentRefused();
    expect(chooseVideoProtocol(config('auto'), plain, memory)).toMatchObject({
      protocol: 'legacy',
      mayFallBack: false,
    });
  });

  test('current and legacy force their form and never fall back, whatever the memory says', () => {
    const memory = new VideoProtocolMemory();
    memory.rememberCurrentRefused();
    expect(chooseVideoProtocol(config('current'), plain, memory)).toEqual({ protocol: 'current', mayFallBack: false });
    expect(chooseVideoProtocol(config('legacy'), plain, new VideoProtocolMemory())).toMatchObject({
      protocol: 'legacy',
    });
  });

  test('image-to-video and more than 15 s go legacy under every setting; 15 s fits one current turn', () => {
    for (const setting of ['auto', 'current', 'legacy'] as const) {
      const memory = new VideoProtocolMemory();
      expect(chooseVideoProtocol(config(setting), { seconds: 6, hasReference: true }, memory).protocol).toBe('legacy');
      expect(chooseVideoProtocol(config(setting), { seconds: 16, hasReference: false }, memory).protocol).toBe(
        'legacy',
      );
    }
    expect(
      chooseVideoProtocol(config('auto'), { seconds: 15, hasReference: false }, new VideoProtocolMemory()).protocol,
    ).toBe('current');
  });
});

test('a refusal of the body is a 400/404/422 that is neither moderation nor about the account', () => {
  const error = (fields: Partial<ConstructorParameters<typeof UpstreamError>[0]>) =>
    new UpstreamError({ code: 'bad_request', message: 'x', retryable: false, accountEffect: 'none', ...fields });
  expect(isBodyRefusal(error({ status: 400 }))).toBe(true);
  expect(isBodyRefusal(error({ status: 422 }))).toBe(true);
  expect(isBodyRefusal(error({ status: 400, code: 'content_moderated' }))).toBe(false);
  expect(isBodyRefusal(error({ status: 401, code: 'unauthorized', accountEffect: 'auth_failure' }))).toBe(false);
  expect(isBodyRefusal(error({ status: 500, code: 'server_error' }))).toBe(false);
  expect(isBodyRefusal(new Error('400'))).toBe(false);
});
