import { Elysia } from 'elysia';
import { findModel } from '../../catalog/models';
import type { LoadedAttachment } from '../../media/attachment-loader';
import { publicBaseUrl } from '../../media/files-routes';
import type { MediaCache } from '../../media/media-cache';
import { renderAll } from '../../media/images/image-output';
import { startImages, type ImageDependencies } from '../../media/images/image-runner';
import { invalidRequest } from '../errors';
import { imagesFromForm, imagesFromJson } from './edit-images';
import { EDIT_MODEL, GENERATION_MODELS, readImageOptions, type ImageOptions } from './image-request';
import { streamImages } from './image-stream';
import { ZERO_IMAGE_USAGE } from './image-usage';
import type { UsageRecorder } from '../../usage/usage-recorder';
import { ApiError } from '../errors';

export interface ImagesDependencies extends ImageDependencies {
  guard: (request: Request) => void;
  cache: MediaCache;
  /** Fetch for client-supplied image URLs (after the address policy). */
  fetch?: typeof fetch;
  /** Usage records, so image requests count on the dashboard like chat requests. */
  usage?: Pick<UsageRecorder, 'record'>;
}

type Body = { kind: 'json'; fields: Record<string, unknown> } | { kind: 'form'; fields: Record<string, unknown>; form: FormData };

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
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidRequest('Request body must be a JSON object.', null, 'invalid_body');
  return { kind: 'json', fields: parsed as Record<string, unknown> };
}

export function imagesRoutes(deps: ImagesDependencies) {
  const run = async (request: Request, options: ImageOptions, editImages: LoadedAttachment[] | undefined) => {
    const config = deps.config();
    const model = findModel(options.model)!;
    const job = { model, prompt: options.prompt, n: options.n, nsfw: options.nsfw, aspectRatio: options.aspectRatio, editImages, signal: request.signal };
    const startedAt = Date.now();
    const record = (outcome: string, token: string | null, error?: unknown) =>
      void deps.usage?.record({
        startedAt,
        authorization: request.headers.get('authorization'),
        model: options.model,
        token,
        outcome: request.signal.aborted ? 'cancelled' : outcome,
        ...(error === undefined ? {} : { status: error instanceof ApiError ? error.status : 500, errorCode: error instanceof ApiError ? error.code : null }),
        answerText: '',
        promptTokens: 0,
        completionTokens: 0,
      });
    // Refused before any account served it (none free, every account refused): counted as rejected.
    const started = await startImages(job, deps).catch((error: unknown) => {
      if (!options.stream) record('rejected', null, error);
      throw error;
    });
    const output = { cache: deps.cache, token: '', baseUrl: publicBaseUrl(config.app.app_url, request), signal: request.signal };
    if (options.stream) {
      return streamImages({ run: started, prefix: editImages ? 'image_edit' : 'image_generation', format: options.format, size: options.size, output, logger: deps.logger });
    }
    try {
      const result = await started.collect();
      const data = await renderAll(result.images, options.format, { ...output, token: result.token });
      record('completed', result.token);
      return Response.json({ created: Math.floor(Date.now() / 1000), data, usage: ZERO_IMAGE_USAGE });
    } catch (error) {
      record('failed', null, error);
      throw error;
    }
  };

  return new Elysia({ name: 'openai-images' })
    .post(
      '/v1/images/generations',
      async ({ request }) => {
        deps.guard(request);
        const body = await readBody(request);
        return run(request, readImageOptions(body.fields, deps.config(), GENERATION_MODELS, GENERATION_MODELS[0]!), undefined);
      },
      { parse: 'none', detail: { tags: ['openai'], summary: 'Generate images (grok-imagine-1.0)' } },
    )
    .post(
      '/v1/images/edits',
      async ({ request }) => {
        deps.guard(request);
        const body = await readBody(request);
        const options = readImageOptions(body.fields, deps.config(), [EDIT_MODEL], EDIT_MODEL);
        const images =
          body.kind === 'form'
            ? await imagesFromForm(body.form, deps.config().limits.max_image_pixels)
            : await imagesFromJson(body.fields, { fetch: deps.fetch, timeoutMs: deps.config().asset.download_timeout * 1000, signal: request.signal, maxImagePixels: deps.config().limits.max_image_pixels });
        return run(request, options, images);
      },
      { parse: 'none', detail: { tags: ['openai'], summary: 'Edit images (grok-imagine-1.0-edit), multipart or JSON' } },
    );
}
