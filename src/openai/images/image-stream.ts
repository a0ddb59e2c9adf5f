import type { Logger } from '../../logging/logger';
import { storageUnavailable } from '../../http/error-handler';
import { StorageUnavailableError } from '../../storage/storage-unavailable';
import { renderImage, type ImageFormat, type OutputContext } from '../../media/images/image-output';
import type { ImageRun, PartialImage } from '../../media/images/image-runner';
import { ApiError } from '../../http/errors';
import { SSE_HEADERS, sseEvent } from '../../http/sse';
import { ZERO_IMAGE_USAGE } from './image-usage';

/**
 * OpenAI's image streaming events: `<prefix>.partial_image` for each preview (always base64,
 * as OpenAI sends them), then `<prefix>.completed` per final image in the requested format. A
 * failure after the headers went out is one `error` event; the stream then ends.
 */
export function streamImages(input: {
  run: ImageRun;
  prefix: 'image_generation' | 'image_edit';
  format: ImageFormat;
  size: string;
  output: OutputContext;
  logger: Logger;
  /** Told once how the request ended (the usage record). */
  onSettled?: (outcome: { images: number } | { error: unknown }) => void;
}): Response {
  const created = Math.floor(Date.now() / 1000);
  const common = { created_at: created, size: input.size, quality: 'auto', background: 'auto', output_format: 'png' };
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (event: string, value: unknown) => {
        try {
          controller.enqueue(sseEvent(event, value));
        } catch {
          // The client left; the generation still finishes so the account is settled.
        }
      };
      const partialCounts = new Map<number, number>();
      let partials = Promise.resolve();
      const onPartial = (partial: PartialImage) => {
        partials = partials.then(async () => {
          // A preview that cannot be fetched is skipped; the final image still follows.
          const rendered = partial.bytes
            ? { b64_json: Buffer.from(partial.bytes).toString('base64') }
            : await renderImage({ url: partial.url }, 'b64_json', { ...input.output, token: input.run.token }).catch(
                () => undefined,
              );
          if (!rendered || !('b64_json' in rendered)) return;
          const partialIndex = partialCounts.get(partial.index) ?? 0;
          partialCounts.set(partial.index, partialIndex + 1);
          send(`${input.prefix}.partial_image`, {
            type: `${input.prefix}.partial_image`,
            ...common,
            index: partial.index,
            partial_image_index: partialIndex,
            b64_json: rendered.b64_json,
          });
        });
      };
      try {
        const result = await input.run.collect(onPartial);
        await partials;
        for (const [index, image] of result.images.entries()) {
          const rendered = await renderImage(image, input.format, { ...input.output, token: result.token });
          send(`${input.prefix}.completed`, {
            type: `${input.prefix}.completed`,
            ...common,
            index,
            ...rendered,
            usage: ZERO_IMAGE_USAGE,
          });
        }
        input.onSettled?.({ images: result.images.length });
      } catch (error) {
        input.onSettled?.({ error });
        const apiError =
          error instanceof ApiError
            ? error
            : error instanceof StorageUnavailableError
              ? storageUnavailable(error)
              : new ApiError({ status: 500, message: 'Image generation failed.', code: 'image_generation_failed' });
        if (!(error instanceof ApiError)) input.logger.warn('image stream failed', { error: String(error) });
        send('error', { type: 'error', ...apiError.toBody() });
      }
      try {
        controller.close();
      } catch {
        // already closed by a cancelled client
      }
    },
  });
  return new Response(body, { status: 200, headers: SSE_HEADERS });
}
