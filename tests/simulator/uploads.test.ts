import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { getPath, postJson } from './simulator-test-client';

let simulator: Simulator;
let ownerId: string;
const PNG_BYTES = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]);

beforeAll(async () => {
  simulator = await startSimulator({ accounts: [{ token: 'token-owner' }, { token: 'token-stranger' }] });
  ownerId = simulator.account('token-owner')!.userId!;
});
afterAll(() => simulator.stop());
beforeEach(() => simulator.reset());

function legacyUpload(content: unknown, token = 'token-owner') {
  return postJson(
    simulator,
    '/rest/app-chat/upload-file',
    { fileName: 'photo.png', fileMimeType: 'image/png', content },
    { token, statsig: null },
  );
}

function directUpload(form: FormData, token = 'token-owner') {
  return fetch(`${simulator.url}/http/upload-file-v2/direct`, {
    method: 'POST',
    headers: { cookie: `sso=${token}; sso-rw=${token}` },
    body: form,
  });
}

describe('legacy JSON upload', () => {
  test('stores the bytes and serves them only to the owner', async () => {
    const response = await legacyUpload(Buffer.from(PNG_BYTES).toString('base64'));
    expect(response.status).toBe(200);
    const uploaded = await response.json();
    expect(uploaded.fileMetadataId).toBeString();
    expect(uploaded.fileUri).toBe(`users/${ownerId}/${uploaded.fileMetadataId}/content`);

    const download = await getPath(simulator, `/${uploaded.fileUri}`, { token: 'token-owner' });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect([...new Uint8Array(await download.arrayBuffer())]).toEqual([...PNG_BYTES]);

    expect((await getPath(simulator, `/${uploaded.fileUri}`, { token: 'token-stranger' })).status).toBe(403);
    expect((await getPath(simulator, `/${uploaded.fileUri}`, { token: null })).status).toBe(401);
    expect((await getPath(simulator, `/users/${ownerId}/missing/content`, { token: 'token-owner' })).status).toBe(404);
    const strangerId = simulator.account('token-stranger')!.userId;
    expect(
      (await getPath(simulator, `/users/${strangerId}/${uploaded.fileMetadataId}/content`, { token: 'token-stranger' }))
        .status,
    ).toBe(404);
  });

  test.each([
    ['empty content', ''],
    ['content that is not base64', 'not base64!!'],
    ['base64 with a line break', 'aGVs\nbG8='],
    ['a number', 42],
  ])('rejects %s with 400', async (_, content) => {
    const response = await legacyUpload(content);
    expect(response.status).toBe(400);
    expect((await response.json()).code).toBe(3);
  });

  test('needs a known account', async () => {
    expect((await legacyUpload('aGk=', 'token-unknown')).status).toBe(401);
  });
});

describe('multipart upload-file-v2', () => {
  test('answers with upload and metadata ids and keeps the file', async () => {
    const form = new FormData();
    form.append('file', new Blob([PNG_BYTES], { type: 'image/png' }), 'cat.png');
    form.append('file_source', 'IMAGINE_SELF_UPLOAD_FILE_SOURCE');
    const response = await directUpload(form);
    expect(response.status).toBe(200);
    const uploaded = await response.json();
    expect(uploaded.uploadId).toBeString();
    expect(uploaded.terminalError).toBeNull();
    const { fileMetadataId, fileId, fileUri } = uploaded.fileMetadata;
    expect(fileId).toBeString();
    expect(fileUri).toBe(`users/${ownerId}/${fileMetadataId}/content`);

    const download = await getPath(simulator, `/${fileUri}`, { token: 'token-owner' });
    expect([...new Uint8Array(await download.arrayBuffer())]).toEqual([...PNG_BYTES]);

    const recorded = simulator.requests.find((request) => request.path === '/http/upload-file-v2/direct')!;
    expect(recorded.body).toEqual({
      file: { fileName: 'cat.png', type: 'image/png', size: PNG_BYTES.length },
      file_source: 'IMAGINE_SELF_UPLOAD_FILE_SOURCE',
    });
  });

  test('rejects a form without a file, an empty file and a non-multipart body', async () => {
    const noFile = new FormData();
    noFile.append('file_source', 'x');
    expect((await directUpload(noFile)).status).toBe(400);
    const empty = new FormData();
    empty.append('file', new Blob([]), 'empty.bin');
    expect((await directUpload(empty)).status).toBe(400);
    const json = await fetch(`${simulator.url}/http/upload-file-v2/direct`, {
      method: 'POST',
      headers: { cookie: 'sso=token-owner', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(400);
  });
});
