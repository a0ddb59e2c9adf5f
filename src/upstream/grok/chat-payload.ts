import type { CatalogModel } from '../../catalog/models';
import type { Config } from '../../config/schema';

/**
 * The body of `POST /rest/app-chat/conversations/new` for a chat turn: the P1 form of
 * ../shared/spec/grok-web-protocol.md §7.3, with the model selector of §9.1.
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

// The browser reports its window; these are the reference's values for a 2056×1329 screen.
const DEVICE_ENVIRONMENT = {
  darkModeEnabled: false,
  devicePixelRatio: 2,
  screenHeight: 1329,
  screenWidth: 2056,
  viewportHeight: 1083,
  viewportWidth: 2056,
};

export function buildChatPayload(input: ChatPayloadInput): Record<string, unknown> {
  const { config, model } = input;
  const payload: Record<string, unknown> = {
    deviceEnvInfo: { ...DEVICE_ENVIRONMENT },
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
