import { Elysia } from 'elysia';
import { findModel } from '../../catalog/models';
import type { LoadedAttachment } from '../../attachments/attachment-loader';
import { publicBaseUrl } from '../../media/files-routes';
import { renderAll } from '../../media/images/image-output';
import { startImages } from '../../media/images/image-runner';
import type { ImagesDependencies } from '../../media/images/images-dependencies';
import { invalidRequest } from '../../http/errors';
import { imagesFromForm, imagesFromJson } from '../../media/images/edit-inputs';
import { EDIT_MODEL, GENERATION_MODELS, readImageOptions, type ImageOptions } from '../../media/images/image-options';
import { streamImages } from './image-stream';
import { ZERO_IMAGE_USAGE } from './image-usage';
import { Type } from '@sinclair/typebox';
import { CLIENT_ERRORS, eventStream, json, responses, shape } from '../../http/openapi-responses';
import { ImageEditBody, ImageGenerationBody, jsonOrMultipart } from '../media-request-docs';
import { recordMediaUsage } from '../../media/media-usage';
import { routeGroup } from '../../http/route-groups';

/** Images asked for but not made, for reasons other than moderation, after the one refill. */
export const IMAGES_MISSING_HEADER = 'x-grok2api-images-missing';

type Body =
  | { kind: 'json'; fields: Record<string, unknown> }
  | { kind: 'form'; fields: Record<string, unknown>; form: FormData };

async function readBody(request: Request): Promise<Body> {
  const contentType = (request.headers.get('content-type') ?? '').toLowerCase();
  if (contentType.startsWith('multipart/form-data')) {
    const form = await request.formData().catch(() => {
      throw invalidRequest('The multipart body could not be read.', null, 'invalid_body');
    });
    const fields: Record<string, unknown> = {};
    form.forEach((value, key) => {
      if (typeof value === 'string') fields[key] = value;
    });
    return { kind: 'form', fields, form };
  }
  const parsed: unknown = await request.json().catch(() => {
    throw invalidRequest('The body must be JSON or multipart/form-data.', null, 'invalid_body');
  });
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw invalidRequest('Request body must be a JSON object.', null, 'invalid_body');
  return { kind: 'json', fields: parsed as Record<string, unknown> };
}

const ImagesAnswer = shape({
  created: Type.Integer(),
  data: Type.Array(shape({ url: Type.Optional(Type.String()), b64_json: Type.Optional(Type.String()) })),
});

export function imagesRoutes(deps: ImagesDependencies) {
  const run = async (request: Request, options: ImageOptions, editImages: LoadedAttachment[] | undefined) => {
    const config = deps.config();
    const model = findModel(options.model)!;
    const job = {
      model,
      prompt: options.prompt,
      n: options.n,
      nsfw: options.nsfw,
      aspectRatio: options.aspectRatio,
      editImages,
      signal: request.signal,
    };
    const authorization = request.headers.get('authorization');
    const usage = { usage: deps.usage, startedAt: Date.now(), authorization, model: model.id };
    const failed = (token: string | null) => (error: unknown) => {
      recordMediaUsage(usage, { kind: 'image', error, token, cancelled: request.signal.aborted });
      throw error;
    };
    const started = await startImages(job, deps).catch(failed(null));
    const baseUrl = publicBaseUrl(config.app.app_url, request);
    const output = { cache: deps.cache, token: '', baseUrl, signal: request.signal };
    if (options.stream) {
      const token = started.token;
      const onSettled = (outcome: { images: number } | { error: unknown }) => {
        if ('error' in outcome) recordMediaUsage(usage, { kind: 'image', error: outcome.error, token });
        else recordMediaUsage(usage, { kind: 'image', token, images: outcome.images });
      };
      const prefix = editImages ? 'image_edit' : 'image_generation';
      const { format, size } = options;
      return streamImages({ run: started, prefix, format, size, output, logger: deps.logger, onSettled });
    }
    const result = await started.collect().catch(failed(started.token));
    const data = await renderAll(result.images, options.format, { ...output, token: result.token }).catch(
      failed(result.token),
    );
    recordMediaUsage(usage, { kind: 'image', token: result.token, images: data.length });
    // docs/fault-table.md "Imagine slots": a short answer says how many images are missing.
    const headers = result.missing > 0 ? { [IMAGES_MISSING_HEADER]: String(result.missing) } : undefined;
    return Response.json({ created: Math.floor(Date.now() / 1000), data, usage: ZERO_IMAGE_USAGE }, { headers });
  };

  return routeGroup(
    { access: 'client' },
    new Elysia({ name: 'openai-images' })
      .post(
        '/v1/images/generations',
        async ({ request }) => {
          const body = await readBody(request);
          return run(
            request,
            readImageOptions(body.fields, deps.config(), GENERATION_MODELS, GENERATION_MODELS[0]!),
            undefined,
          );
        },
        {
          parse: 'none',
          detail: {
            tags: ['openai'],
            summary: 'Generate images (grok-imagine-1.0)',
            requestBody: jsonOrMultipart(ImageGenerationBody),
            responses: responses(
              {
                ...json(ImagesAnswer),
                ...eventStream('stream: true — image_generation.partial_image and .completed events'),
              },
              { errors: CLIENT_ERRORS },
            ),
          },
        },
      )
      .post(
        '/v1/images/edits',
        async ({ request }) => {
          const body = await readBody(request);
          const options = readImageOptions(body.fields, deps.config(), [EDIT_MODEL], EDIT_MODEL);
          const images =
            body.kind === 'form'
              ? await imagesFromForm(body.form, deps.config().limits.max_image_pixels)
              : await imagesFromJson(body.fields, {
                  fetch: deps.fetch,
                  timeoutMs: deps.config().asset.download_timeout * 1000,
                  signal: request.signal,
                  maxImagePixels: deps.config().limits.max_image_pixels,
                });
          return run(request, options, images);
        },
        {
          parse: 'none',
          detail: {
            tags: ['openai'],
            summary: 'Edit images (grok-imagine-1.0-edit), multipart or JSON',
            requestBody: jsonOrMultipart(ImageEditBody),
            responses: responses(
              {
                ...json(ImagesAnswer),
                ...eventStream('stream: true — image_edit.partial_image and .completed events'),
              },
              { errors: CLIENT_ERRORS },
            ),
          },
        },
      ),
  );
}
