// Which conversations/new bodies ask for media rather than a chat answer
// (docs/upstream-protocol.md §12.2, §12.4, §13.1–13.3), and what they ask for.

export type MediaTurn =
  | { kind: 'image'; prompt: string; count: number }
  | { kind: 'image_edit'; prompt: string; inputAssets: string[] }
  | {
      kind: 'video';
      /** Which body asked for it: §13.1 `mediaGenInput.textToVideo` or §13.2 `videoGenModelConfig`. */
      protocol: 'current' | 'legacy';
      prompt: string;
      seconds: number;
      resolution: string;
      /** Extension rounds name the post they continue. */
      extendPostId?: string;
      parentPostId?: string;
    };

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const at = (value: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>((current, key) => (isObject(current) ? current[key] : undefined), value);
const bareMessage = (message: string) => message.replace(/\s*--mode=\S+\s*$/, '');

/** undefined: an ordinary chat turn. A string: a media request the upstream would refuse. */
export function parseMediaTurn(body: unknown): MediaTurn | string | undefined {
  if (!isObject(body)) return undefined;
  const message = typeof body.message === 'string' ? body.message : '';
  if (body.modelName === 'imagine-image-edit') {
    const edit = at(body, 'mediaGenInput', 'imageToImage');
    const inputAssets = at(edit, 'inputAssets');
    if (!Array.isArray(inputAssets) || inputAssets.length === 0 || !inputAssets.every((id) => typeof id === 'string')) {
      return 'mediaGenInput.imageToImage.inputAssets must list uploaded fileMetadataIds';
    }
    const prompt = at(edit, 'prompt');
    return {
      kind: 'image_edit',
      prompt: typeof prompt === 'string' ? prompt : message,
      inputAssets: inputAssets as string[],
    };
  }
  const textToVideo = at(body, 'mediaGenInput', 'textToVideo');
  if (isObject(textToVideo)) {
    const duration = textToVideo.duration;
    const wholeSeconds = typeof duration === 'number' && Number.isInteger(duration);
    if (duration !== undefined && (!wholeSeconds || duration < 1 || duration > 15)) {
      return 'mediaGenInput.textToVideo.duration must be whole seconds from 1 to 15';
    }
    const resolution = textToVideo.resolutionName;
    if (resolution !== undefined && resolution !== '480p' && resolution !== '720p') {
      return 'textToVideo.resolutionName must be 480p or 720p';
    }
    return {
      kind: 'video',
      protocol: 'current',
      prompt: typeof textToVideo.prompt === 'string' ? textToVideo.prompt : bareMessage(message),
      seconds: typeof textToVideo.duration === 'number' ? textToVideo.duration : 6,
      resolution: typeof textToVideo.resolutionName === 'string' ? textToVideo.resolutionName : '720p',
    };
  }
  const videoConfig = at(body, 'responseMetadata', 'modelConfigOverride', 'modelMap', 'videoGenModelConfig');
  if (at(body, 'toolOverrides', 'videoGen') === true || isObject(videoConfig)) {
    if (!isObject(videoConfig)) return 'videoGenModelConfig is required for video generation';
    if (typeof videoConfig.parentPostId !== 'string' || videoConfig.parentPostId === '')
      return 'videoGenModelConfig.parentPostId is required';
    const extension = videoConfig.isVideoExtension === true;
    if (extension && typeof videoConfig.extendPostId !== 'string') return 'extendPostId is required for an extension';
    return {
      kind: 'video',
      protocol: 'legacy',
      prompt: bareMessage(message),
      seconds: typeof videoConfig.videoLength === 'number' ? videoConfig.videoLength : 6,
      resolution: typeof videoConfig.resolutionName === 'string' ? videoConfig.resolutionName : '480p',
      extendPostId: extension ? (videoConfig.extendPostId as string) : undefined,
      parentPostId: videoConfig.parentPostId,
    };
  }
  if (at(body, 'toolOverrides', 'imageGen') === true) {
    const requested = typeof body.imageGenerationCount === 'number' ? Math.floor(body.imageGenerationCount) : 2;
    return { kind: 'image', prompt: message, count: Math.min(2, Math.max(1, requested)) };
  }
  return undefined;
}
