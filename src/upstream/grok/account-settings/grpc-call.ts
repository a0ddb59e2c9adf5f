import type { Config } from '../../../config/schema';
import { UpstreamError } from '../../errors';
import { readBoundedBytes, readErrorBodyText, sendRequest, type FetchFunction } from '../../http';
import { classifyHttpFailure } from '../classify';
import { restHeaders, type HeaderList, type RestHeaderInput } from '../headers';
import { encodeFrame, GRPC_WEB_CONTENT_TYPE, parseResponse, type GrpcWebAnswer } from './grpc-web';

/**
 * One unary gRPC-web call (§14.7) to an account-settings method. HTTP failures classify like any
 * REST call; a 200 whose trailer carries a non-zero `grpc-status` becomes an `UpstreamError`
 * mapped as the reference maps it (16→401, 7→403, 8→429, 4→504, 14→503, else 502), except that
 * the caller may recognise the refusal first (`recognise`).
 */

export interface GrpcCall {
  config: Config;
  url: string;
  token: string;
  /** The whole header set, Content-Type and x-grpc-web included (`grpcHeaders`). */
  headers: HeaderList;
  message: Uint8Array;
  timeoutSeconds: number;
  proxyUrl: string;
  purpose: string;
  fetch?: FetchFunction;
  signal?: AbortSignal;
}

const ANSWER_LIMIT = 64 * 1024;

/** The REST header set with gRPC-web's content type and marker, as connect-es sets them. */
export function grpcHeaders(input: Omit<RestHeaderInput, 'contentType'>): HeaderList {
  const extra: HeaderList = [['x-grpc-web', '1'], ...(input.extra ?? [])];
  return restHeaders({ ...input, contentType: GRPC_WEB_CONTENT_TYPE, extra });
}

export async function callGrpcWeb(call: GrpcCall): Promise<GrpcWebAnswer> {
  const http = await sendRequest({
    url: call.url,
    method: 'POST',
    headers: call.headers,
    body: encodeFrame(call.message),
    timeoutSeconds: call.timeoutSeconds,
    signal: call.signal,
    proxyUrl: call.proxyUrl,
    skipProxyTlsVerify: call.config.proxy.skip_proxy_ssl_verify,
    purpose: call.purpose,
    fetch: call.fetch,
  });
  const { response } = http;
  if (response.status !== 200) {
    const text = await readErrorBodyText(response, ANSWER_LIMIT);
    throw classifyHttpFailure(response.status, response.headers, text, {
      purpose: call.purpose,
      secrets: [call.token],
    });
  }
  const parsed = parseResponse(await readBoundedBytes(response, ANSWER_LIMIT), response.headers);
  if (!parsed.ok)
    throw new UpstreamError({
      code: 'bad_response',
      message: `${call.purpose}: ${parsed.reason}`,
      retryable: false,
      accountEffect: 'none',
    });
  return parsed.answer;
}

const GRPC_HTTP_STATUS: Record<number, number> = { 16: 401, 7: 403, 8: 429, 4: 504, 14: 503 };

/** A non-zero grpc-status as the failure it stands for; null for success (0 or absent). */
export function grpcStatusFailure(answer: GrpcWebAnswer, purpose: string, token: string): UpstreamError | null {
  if (answer.status === null || answer.status === 0) return null;
  const status = GRPC_HTTP_STATUS[answer.status] ?? 502;
  const body = JSON.stringify({ code: answer.status, message: answer.message });
  return classifyHttpFailure(status, new Headers(), body, {
    purpose: `${purpose} (grpc-status ${answer.status})`,
    secrets: [token],
  });
}
