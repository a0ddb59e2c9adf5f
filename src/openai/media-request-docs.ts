import { Type, type TSchema } from '@sinclair/typebox';

/**
 * The bodies of /v1/images/* and /v1/videos as documented in /docs/json. These routes read their
 * bodies by hand (JSON or multipart), and image-request.ts / video-request.ts check each field
 * and name it in a 400; these schemas describe the same fields for readers and SDK generators.
 */

const optionalString = (description: string) => Type.Optional(Type.String({ description }));

export const ImageGenerationBody = Type.Object({
  prompt: Type.String({ description: 'What to draw' }),
  model: optionalString('grok-imagine-1.0 (default) or grok-imagine-1.0-fast'),
  n: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, description: 'Images to make (1-2 when streaming)' })),
  size: optionalString('e.g. 1024x1024, 1280x720, 720x1280'),
  response_format: optionalString('url, b64_json or base64'),
  stream: Type.Optional(Type.Boolean({ description: 'Server-sent partial and final images' })),
});

export const ImageEditBody = Type.Object({
  ...ImageGenerationBody.properties,
  image: Type.Union([Type.String(), Type.Array(Type.String())], {
    description: 'JSON: URLs or data URIs; multipart: one or more files (PNG, JPEG, WebP)',
  }),
});

export const VideoBody = Type.Object({
  prompt: Type.String({ description: 'What to film' }),
  model: optionalString('grok-imagine-1.0-video'),
  seconds: Type.Optional(Type.Union([Type.String(), Type.Integer()], { description: 'Length in seconds' })),
  size: optionalString('e.g. 1280x720'),
  preset: optionalString('Style preset'),
  image_reference: Type.Optional(
    Type.Union([Type.String(), Type.Array(Type.String())], { description: 'A URL or data URI of the first frame' }),
  ),
  input_reference: Type.Optional(
    Type.String({ format: 'binary', description: 'multipart only: the first frame as a file' }),
  ),
  wait: Type.Optional(Type.Boolean({ description: 'Block until the video is done' })),
});

/** A requestBody object for a route that accepts JSON and multipart alike. */
interface RequestBody {
  required: boolean;
  content: Record<string, { schema: TSchema }>;
}

export const jsonOrMultipart = (schema: TSchema): RequestBody => ({
  required: true,
  content: { 'application/json': { schema }, 'multipart/form-data': { schema } },
});
