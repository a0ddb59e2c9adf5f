import type { ResolvedAccount } from './account-registry';
import { invalidArgument, jsonResponse } from './canned-responses';
import { parseJsonObjectBody, type IncomingRequest } from './incoming-request';
import type { SimulatorState } from './simulator-state';
import {
  GRPC_WEB_CONTENT_TYPE,
  grpcWebAnswerBody,
  nsfwFeatureMessage,
  requestDataFrames,
  TOS_ACCEPTED_MESSAGE,
} from './grpc-web-frames';

/**
 * Account settings (docs/upstream-protocol.md §14.8–14.10, §17): the two gRPC-web
 * methods answer an empty data frame and `grpc-status:0`; the REST calls answer as §17 says.
 * An account with `ageVerificationRequired` gets the NSFW preference refused with
 * PERMISSION_DENIED and an age-verification message, as a real account under age review would.
 */

const GRPC_OK = 0;
const GRPC_PERMISSION_DENIED = 7;
const GRPC_FAILED_PRECONDITION = 9;
const GRPC_INVALID_ARGUMENT = 3;
export const AGE_VERIFICATION_MESSAGE =
  'Age verification required to change content preferences [WKE=account:age-verification-required]';

function grpcAnswer(status: number, message?: string): Response {
  return new Response(grpcWebAnswerBody(status, message), {
    status: 200,
    headers: { 'content-type': GRPC_WEB_CONTENT_TYPE },
  });
}

/** The single request message, or why the body is not one. */
function requestMessage(incoming: IncomingRequest): Uint8Array | string {
  if (!(incoming.request.headers.get('content-type') ?? '').startsWith(GRPC_WEB_CONTENT_TYPE))
    return `content-type must be ${GRPC_WEB_CONTENT_TYPE}`;
  if (incoming.request.headers.get('x-grpc-web') !== '1') return 'x-grpc-web: 1 is required';
  const frames = requestDataFrames(incoming.bodyBytes);
  if (typeof frames === 'string') return frames;
  if (frames.length !== 1) return 'exactly one data frame is expected';
  return frames[0]!;
}

const sameBytes = (left: Uint8Array, right: Uint8Array) =>
  left.length === right.length && left.every((byte, index) => byte === right[index]);

export function handleSetTosAcceptedVersion(
  _state: SimulatorState,
  incoming: IncomingRequest,
  account: ResolvedAccount,
): Response {
  const message = requestMessage(incoming);
  if (typeof message === 'string') return grpcAnswer(GRPC_INVALID_ARGUMENT, message);
  if (!sameBytes(message, TOS_ACCEPTED_MESSAGE))
    return grpcAnswer(GRPC_INVALID_ARGUMENT, 'unexpected SetTosAcceptedVersion message');
  account.tosAccepted = true;
  return grpcAnswer(GRPC_OK);
}

export function handleSetTosAcceptedRest(
  _state: SimulatorState,
  incoming: IncomingRequest,
  account: ResolvedAccount,
): Response {
  const fields = parseJsonObjectBody(incoming);
  if (!fields || typeof fields.tosVersion !== 'number') return invalidArgument('tosVersion is required');
  account.tosAccepted = true;
  return jsonResponse(200, {});
}

export function handleUpdateUserFeatureControls(
  _state: SimulatorState,
  incoming: IncomingRequest,
  account: ResolvedAccount,
): Response {
  const message = requestMessage(incoming);
  if (typeof message === 'string') return grpcAnswer(GRPC_INVALID_ARGUMENT, message);
  const enable = sameBytes(message, nsfwFeatureMessage(true));
  if (!enable && !sameBytes(message, nsfwFeatureMessage(false)))
    return grpcAnswer(GRPC_INVALID_ARGUMENT, 'unknown feature control');
  if (!account.tosAccepted) return grpcAnswer(GRPC_FAILED_PRECONDITION, 'Terms of service not accepted');
  if (enable && account.ageVerificationRequired) return grpcAnswer(GRPC_PERMISSION_DENIED, AGE_VERIFICATION_MESSAGE);
  account.nsfwEnabled = enable;
  return grpcAnswer(GRPC_OK);
}

export function handleSetBirthDate(
  _state: SimulatorState,
  _incoming: IncomingRequest,
  account: ResolvedAccount,
): Response {
  if (account.birthDateSet)
    return jsonResponse(429, {
      code: 8,
      message: 'Birth date already set [WKE=account:birth-date-change-limit-reached]',
      details: [],
    });
  account.birthDateSet = true;
  return new Response(null, { status: 204 });
}
