import { Elysia } from 'elysia';
import { findModel } from '../../catalog/models';
import { publicBaseUrl, serveCachedFile } from '../../media/files-routes';
import type { MediaCache } from '../../media/media-cache';
import { publicVideo, settledView, type VideoJobStore } from '../../media/videos/video-job';
import { jobFailure } from '../../media/videos/job-failure';
import type { VideoService } from '../../media/videos/video-service';
import type { Config } from '../../config/schema';
import { ApiError, invalidRequest } from '../../http/errors';
import { readReference, readVideoOptions, VIDEO_MODEL } from '../../media/videos/video-options';
import { Type } from '@sinclair/typebox';
import { binary, CLIENT_ERRORS, json, responses, shape } from '../../http/openapi-responses';
import { jsonOrMultipart, VideoBody } from '../media-request-docs';

/**
 * OpenAI's videos API over Grok video generation: POST /v1/videos answers at once with a job
 * (or, with `wait`, when it has finished), GET /v1/videos/{id} reports it from storage (any
 * instance), GET /v1/videos/{id}/content streams the file with Range support.
 */

export interface VideosDependencies {
  guard: (request: Request) => void;
  config: () => Config;
  videos: VideoService;
  jobs: VideoJobStore;
  cache: MediaCache;
  fetch?: typeof fetch;
}

async function readBody(request: Request): Promise<{ fields: Record<string, unknown>; form?: FormData }> {
  const contentType = (request.headers.get('content-type') ?? '').toLowerCase();
  if (contentType.startsWith('multipart/form-data')) {
    const form = await request.formData().catch(() => {
      throw invalidRequest('The multipart body could not be read.', null, 'invalid_body');
    });
    const fields: Record<string, unknown> = {};
    form.forEach((value, key) => {
      if (typeof value === 'string') fields[key] = value;
    });
    return { fields, form };
  }
  const parsed: unknown = await request.json().catch(() => {
    throw invalidRequest('The body must be JSON or multipart/form-data.', null, 'invalid_body');
  });
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw invalidRequest('Request body must be a JSON object.', null, 'invalid_body');
  return { fields: parsed as Record<string, unknown> };
}

const VideoJobAnswer = shape({
  id: Type.String(),
  object: Type.String(),
  status: Type.String(),
  progress: Type.Optional(Type.Number()),
});

export function videosRoutes(deps: VideosDependencies) {
  const find = async (id: string) => {
    const job = await deps.jobs.get(id);
    if (!job)
      throw new ApiError({
        status: 404,
        message: `No video with id '${id}'.`,
        param: 'video_id',
        code: 'video_not_found',
      });
    return settledView(job, Date.now());
  };
  return new Elysia({ name: 'openai-videos' })
    .post(
      '/v1/videos',
      async ({ request }) => {
        deps.guard(request);
        const { fields, form } = await readBody(request);
        const options = readVideoOptions(fields);
        const reference = await readReference(fields, form, {
          fetch: deps.fetch,
          config: deps.config(),
          signal: request.signal,
        });
        const wait =
          fields.wait === true || fields.wait === 'true' || new URL(request.url).searchParams.get('wait') === 'true';
        const { job, done } = await deps.videos.create({
          model: findModel(VIDEO_MODEL)!,
          ...options,
          reference,
          baseUrl: publicBaseUrl(deps.config().app.app_url, request),
          authorization: request.headers.get('authorization'),
          params: {
            seconds: 'seconds',
            reference: form?.get('input_reference') instanceof Blob ? 'input_reference' : 'image_reference',
          },
        });
        if (!wait) return publicVideo(job);
        const finished = await done;
        if (finished.status === 'failed') throw jobFailure(finished);
        return publicVideo(finished);
      },
      {
        parse: 'none',
        detail: {
          tags: ['openai'],
          summary: 'Create a video job (returns at once; `wait: true` blocks until done)',
          requestBody: jsonOrMultipart(VideoBody),
          responses: responses(json(VideoJobAnswer), { errors: CLIENT_ERRORS }),
        },
      },
    )
    .get(
      '/v1/videos/:id',
      async ({ params, request }) => {
        deps.guard(request);
        return publicVideo(await find(params.id));
      },
      {
        detail: {
          tags: ['openai'],
          summary: 'A video job: status, progress, result link',
          responses: responses(json(VideoJobAnswer), { errors: [401, 404, 429] }),
        },
      },
    )
    .get(
      '/v1/videos/:id/content',
      async ({ params, request }) => {
        deps.guard(request);
        const job = await find(params.id);
        if (job.status !== 'completed' || !job.file_name) {
          throw new ApiError({
            status: 409,
            message: `Video '${job.id}' is ${job.status}; its content is not available yet.`,
            code: 'video_not_ready',
            param: 'video_id',
          });
        }
        return serveCachedFile(deps.cache, 'video', job.file_name, request);
      },
      {
        detail: {
          tags: ['openai'],
          summary: 'The finished video file (Range supported)',
          responses: {
            ...responses(binary('video/mp4', 'The video'), { errors: [401, 404, 409, 416, 429] }),
            206: { description: 'A byte range', content: binary('video/mp4', 'Part of the video') },
          },
        },
      },
    );
}
