import { describe, expect, test } from 'bun:test';
import { buildConfig } from '../../src/config/validate';
import { ApiError } from '../../src/http/errors';
import {
  chooseVideoProtocol,
  isBodyRefusal,
  refuseWhatCurrentCannotMake,
  VideoProtocolMemory,
} from '../../src/media/videos/video-protocol';
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

  test('a legacy choice says whether the video needs it or auto only remembered a refusal', () => {
    const memory = new VideoProtocolMemory();
    expect(chooseVideoProtocol(config('auto'), { seconds: 20, hasReference: false }, memory)).toMatchObject({
      need: 'length',
    });
    expect(chooseVideoProtocol(config('auto'), { seconds: 6, hasReference: true }, memory)).toMatchObject({
      need: 'reference',
    });
    memory.rememberCurrentRefused();
    const remembered = chooseVideoProtocol(config('auto'), plain, memory);
    expect(remembered).toMatchObject({ protocol: 'legacy', remembered: true });
    expect(remembered.need).toBeUndefined();
    memory.forgetCurrentRefused();
    expect(chooseVideoProtocol(config('auto'), plain, memory)).toEqual({ protocol: 'current', mayFallBack: true });
  });
});

describe('refuseWhatCurrentCannotMake', () => {
  const params = { seconds: 'seconds', reference: 'image_reference' };
  const refusal = (setting: 'auto' | 'current' | 'legacy', question: { seconds: number; hasReference: boolean }) => {
    try {
      refuseWhatCurrentCannotMake(config(setting), question, params);
      return null;
    } catch (error) {
      return error as ApiError;
    }
  };

  test('under current, more than 15 s or a reference image is a 400 naming the parameter', () => {
    const long = refusal('current', { seconds: 16, hasReference: false });
    expect(long).toBeInstanceOf(ApiError);
    expect(long).toMatchObject({ status: 400, param: 'seconds', code: 'video_needs_legacy_form' });
    expect(long!.message).toContain('legacy upstream video form');
    const image = refusal('current', { seconds: 16, hasReference: true });
    expect(image).toMatchObject({ status: 400, param: 'image_reference', code: 'video_needs_legacy_form' });
    expect(refusal('current', { seconds: 15, hasReference: false })).toBeNull();
  });

  test('auto and legacy leave it to the upstream', () => {
    expect(refusal('auto', { seconds: 30, hasReference: true })).toBeNull();
    expect(refusal('legacy', { seconds: 30, hasReference: true })).toBeNull();
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
