import type { CatalogModel } from '../../catalog/models';
import type { Config } from '../../config/schema';

/**
 * The body of `POST /rest/app-chat/conversations/new` for a chat turn (docs/upstream-protocol.md
 * §7.2, §7.3): the current release's form by default, the P1 form when `upstream.request_form`
 * is `legacy`; both with the model selector of §9.1.
 */

export interface ChatPayloadInput {
  message: string;
  model: CatalogModel;
  fileAttachments: string[];
  config: Config;
  temperature?: number;
  topP?: number;
  reasoningEffort?: string;
}

// The browser reports its window; these are the reference's values for a 2056×1329 screen
// (the current release reports 1328).
const deviceEnvironment = (screenHeight: number) => ({
  darkModeEnabled: false,
  devicePixelRatio: 2,
  screenHeight,
  screenWidth: 2056,
  viewportHeight: 1083,
  viewportWidth: 2056,
});

export function buildChatPayload(input: ChatPayloadInput): Record<string, unknown> {
  return input.config.upstream.request_form === 'legacy' ? legacyChatPayload(input) : currentChatPayload(input);
}

/** §7.3 "P3 / G-early": no isReasoning and no tool overrides; empty collections and connectors. */
function currentChatPayload(input: ChatPayloadInput): Record<string, unknown> {
  const { config, model } = input;
  const payload: Record<string, unknown> = {
    collectionIds: [],
    disabledConnectorIds: [],
    deviceEnvInfo: deviceEnvironment(1328),
    disableMemory: config.app.disable_memory,
    disableSearch: false,
    disableSelfHarmShortCircuit: false,
    disableTextFollowUps: false,
    enableImageGeneration: true,
    enableImageStreaming: true,
    enableSideBySide: true,
    fileAttachments: [...input.fileAttachments],
    forceConcise: false,
    forceSideBySide: false,
    imageAttachments: [],
    imageGenerationCount: 2,
    isAsyncChat: false,
    message: input.message,
    ...modelSelector(model),
    responseMetadata: model.upstream.modeId ? {} : { requestModelDetails: { modelId: model.upstream.modelName } },
    returnImageBytes: false,
    returnRawGrokInXaiRequest: false,
    sendFinalMetadata: true,
    temporary: config.app.temporary,
  };
  const personality = config.app.custom_instruction.trim();
  if (personality) payload.customPersonality = personality;
  return payload;
}

function legacyChatPayload(input: ChatPayloadInput): Record<string, unknown> {
  const { config, model } = input;
  const payload: Record<string, unknown> = {
    deviceEnvInfo: deviceEnvironment(1329),
    disableMemory: config.app.disable_memory,
    disableSearch: false,
    disableSelfHarmShortCircuit: false,
    disableTextFollowUps: false,
    enableImageGeneration: true,
    enableImageStreaming: true,
    enableSideBySide: true,
    fileAttachments: [...input.fileAttachments],
    forceConcise: false,
    forceSideBySide: false,
    imageAttachments: [],
    imageGenerationCount: 2,
    isAsyncChat: false,
    isReasoning: false,
    message: input.message,
    ...modelSelector(model),
    responseMetadata: responseMetadata(input),
    returnImageBytes: false,
    returnRawGrokInXaiRequest: false,
    sendFinalMetadata: true,
    temporary: config.app.temporary,
    toolOverrides: {},
  };
  const personality = config.app.custom_instruction.trim();
  if (personality) payload.customPersonality = personality;
  return payload;
}

/** §9.1: a `modeId` goes alone, as the browser sends it; otherwise the legacy pair. */
export function modelSelector(model: CatalogModel): Record<string, unknown> {
  const upstream = model.upstream;
  if (upstream.modeId) return { modeId: upstream.modeId };
  const selector: Record<string, unknown> = { modelName: upstream.modelName, modelMode: upstream.modelMode ?? null };
  if (upstream.enable420) selector.enable420 = true;
  return selector;
}

function responseMetadata(input: ChatPayloadInput): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  if (!input.model.upstream.modeId && input.model.upstream.modelName) {
    metadata.requestModelDetails = { modelId: input.model.upstream.modelName };
  }
  const override: Record<string, unknown> = {};
  if (input.temperature !== undefined) override.temperature = input.temperature;
  if (input.topP !== undefined) override.topP = input.topP;
  if (input.reasoningEffort !== undefined) override.reasoningEffort = input.reasoningEffort;
  if (Object.keys(override).length > 0) metadata.modelConfigOverride = override;
  return metadata;
}
