import { describe, expect, test } from 'bun:test';
import { findModel, type CatalogModel } from '../../src/catalog/models';
import { buildChatPayload } from '../../src/upstream/grok/chat-payload';
import { testConfig } from './test-config';

const model = (id: string): CatalogModel => {
  const found = findModel(id);
  if (!found) throw new Error(`no model ${id}`);
  return found;
};

describe('buildChatPayload', () => {
  test('the current form: G-early keys, no isReasoning or tool overrides, screenHeight 1328', () => {
    const payload = buildChatPayload({
      message: 'hi',
      model: model('grok-4.1-expert'),
      fileAttachments: ['f1'],
      config: testConfig(),
      temperature: 0.5,
    });
    expect(payload).toEqual({
      collectionIds: [],
      disabledConnectorIds: [],
      deviceEnvInfo: {
        darkModeEnabled: false,
        devicePixelRatio: 2,
        screenHeight: 1328,
        screenWidth: 2056,
        viewportHeight: 1083,
        viewportWidth: 2056,
      },
      disableMemory: true,
      disableSearch: false,
      disableSelfHarmShortCircuit: false,
      disableTextFollowUps: false,
      enableImageGeneration: true,
      enableImageStreaming: true,
      enableSideBySide: true,
      fileAttachments: ['f1'],
      forceConcise: false,
      forceSideBySide: false,
      imageAttachments: [],
      imageGenerationCount: 2,
      isAsyncChat: false,
      message: 'hi',
      modeId: 'expert',
      responseMetadata: {},
      returnImageBytes: false,
      returnRawGrokInXaiRequest: false,
      sendFinalMetadata: true,
      temporary: true,
    });
  });

  test('legacy selector: modelName + modelMode, P1 body (request_form legacy)', () => {
    const payload = buildChatPayload({
      message: 'hi',
      model: model('grok-4'),
      fileAttachments: ['f1'],
      config: testConfig({ upstream: { request_form: 'legacy' } }),
    });
    expect(payload).toEqual({
      deviceEnvInfo: {
        darkModeEnabled: false,
        devicePixelRatio: 2,
        screenHeight: 1329,
        screenWidth: 2056,
        viewportHeight: 1083,
        viewportWidth: 2056,
      },
      disableMemory: true,
      disableSearch: false,
      disableSelfHarmShortCircuit: false,
      disableTextFollowUps: false,
      enableImageGeneration: true,
      enableImageStreaming: true,
      enableSideBySide: true,
      fileAttachments: ['f1'],
      forceConcise: false,
      forceSideBySide: false,
      imageAttachments: [],
      imageGenerationCount: 2,
      isAsyncChat: false,
      isReasoning: false,
      message: 'hi',
      modelName: 'grok-4',
      modelMode: 'MODEL_MODE_GROK_4',
      responseMetadata: { requestModelDetails: { modelId: 'grok-4' } },
      returnImageBytes: false,
      returnRawGrokInXaiRequest: false,
      sendFinalMetadata: true,
      temporary: true,
      toolOverrides: {},
    });
  });

  test('a modeId is sent alone', () => {
    const payload = buildChatPayload({
      message: 'hi',
      model: model('grok-4.1-expert'),
      fileAttachments: [],
      config: testConfig(),
    });
    expect(payload.modeId).toBe('expert');
    expect('modelName' in payload).toBe(false);
    expect('modelMode' in payload).toBe(false);
    expect(payload.responseMetadata).toEqual({});
  });

  test('enable420 only when the selector asks for it', () => {
    const legacy420: CatalogModel = {
      ...model('grok-4'),
      upstream: { modelName: 'grok-420', modelMode: 'MODEL_MODE_GROK_420', enable420: true },
    };
    expect(
      buildChatPayload({ message: 'x', model: legacy420, fileAttachments: [], config: testConfig() }).enable420,
    ).toBe(true);
    expect(
      'enable420' in
        buildChatPayload({ message: 'x', model: model('grok-4'), fileAttachments: [], config: testConfig() }),
    ).toBe(false);
  });

  test('flags, custom personality and model overrides follow the config and request', () => {
    const config = testConfig({
      app: { temporary: false, disable_memory: false, custom_instruction: '  Be brief.  ' },
      upstream: { request_form: 'legacy' },
    });
    const payload = buildChatPayload({
      message: 'x',
      model: model('grok-4'),
      fileAttachments: [],
      config,
      temperature: 0.8,
      topP: 0.95,
      reasoningEffort: 'high',
    });
    expect(payload.temporary).toBe(false);
    expect(payload.disableMemory).toBe(false);
    expect(payload.customPersonality).toBe('Be brief.');
    expect(payload.responseMetadata).toEqual({
      requestModelDetails: { modelId: 'grok-4' },
      modelConfigOverride: { temperature: 0.8, topP: 0.95, reasoningEffort: 'high' },
    });
  });

  test('a blank custom instruction is not sent', () => {
    const config = testConfig({ app: { custom_instruction: '   ' } });
    expect(
      'customPersonality' in buildChatPayload({ message: 'x', model: model('grok-4'), fileAttachments: [], config }),
    ).toBe(false);
  });
});
