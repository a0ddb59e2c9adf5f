import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import OpenAI from 'openai';
import { API_KEY, chatCalls, startHarness, type Harness } from '../helpers/gateway-harness';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.stop());

interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

async function post(body: unknown, headers: Record<string, string> = {}) {
  const response = await harness.api('/v1/chat/completions', {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers,
  });
  return { status: response.status, body: (await response.json()) as ErrorBody };
}

const user = (content: unknown) => ({ model: 'grok-4.1-fast', messages: [{ role: 'user', content }] });

describe('authentication', () => {
  test('no key and a wrong key are 401 with WWW-Authenticate', async () => {
    const missing = await fetch(`${harness.server.url}/v1/models`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(((await missing.json()) as ErrorBody).error).toMatchObject({
      type: 'authentication_error',
      code: 'invalid_api_key',
    });
    const wrong = await fetch(`${harness.server.url}/v1/models`, { headers: { authorization: 'Bearer sk-wrong' } });
    expect(wrong.status).toBe(401);
  });

  test('the SDK surfaces a bad key as AuthenticationError', async () => {
    const client = new OpenAI({ baseURL: `${harness.server.url}/v1`, apiKey: 'sk-nope', maxRetries: 0 });
    const error = await client.chat.completions
      .create({ model: 'grok-4.1-fast', messages: [{ role: 'user', content: 'x' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(401);
  });

  test('the admin API needs the admin key, not the API key', async () => {
    const response = await fetch(`${harness.server.url}/v1/admin/tokens`, {
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    expect(response.status).toBe(401);
    expect((await harness.admin('/v1/admin/verify')).status).toBe(200);
  });
});

describe('bad input gets a precise 400', () => {
  const cases: [string, unknown, { param: string | null; code: string }][] = [
    ['malformed JSON', '{"model": "grok-4.1-fast",', { param: 'body', code: 'json_invalid' }],
    [
      'missing model',
      { messages: [{ role: 'user', content: 'x' }] },
      { param: 'model', code: 'missing_required_parameter' },
    ],
    ['missing messages', { model: 'grok-4.1-fast' }, { param: 'messages', code: 'missing_required_parameter' }],
    ['empty messages', { model: 'grok-4.1-fast', messages: [] }, { param: 'messages', code: 'invalid_value' }],
    [
      'unknown role',
      { model: 'grok-4.1-fast', messages: [{ role: 'wizard', content: 'x' }] },
      { param: 'messages.0.role', code: 'invalid_role' },
    ],
    ['empty content', user('   '), { param: 'messages.0.content', code: 'empty_content' }],
    ['null content', user(null), { param: 'messages.0.content', code: 'empty_content' }],
    [
      'bare base64 image',
      user([{ type: 'image_url', image_url: { url: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk' } }]),
      { param: 'messages.0.content.0.image_url.url', code: 'invalid_media' },
    ],
    [
      'tool message without id',
      { model: 'grok-4.1-fast', messages: [{ role: 'tool', content: 'x' }] },
      { param: 'messages.0.tool_call_id', code: 'missing_tool_call_id' },
    ],
    [
      'temperature out of range',
      { ...user('x'), temperature: 3 },
      { param: 'temperature', code: 'invalid_temperature' },
    ],
    ['stream not a boolean', { ...user('x'), stream: 'yes please' }, { param: 'stream', code: 'invalid_value' }],
    [
      'bad reasoning_effort',
      { ...user('x'), reasoning_effort: 'extreme' },
      { param: 'reasoning_effort', code: 'invalid_reasoning_effort' },
    ],
    [
      'tool without a name',
      { ...user('x'), tools: [{ type: 'function', function: {} }] },
      { param: 'tools.0.function.name', code: 'missing_function_name' },
    ],
  ];
  for (const [name, body, expected] of cases) {
    test(name, async () => {
      const before = chatCalls(harness.simulator).length;
      const result = await post(body);
      expect(result.status).toBe(400);
      expect(result.body.error.type).toBe('invalid_request_error');
      expect(result.body.error.param).toBe(expected.param);
      expect(result.body.error.code).toBe(expected.code);
      expect(result.body.error.message.length).toBeGreaterThan(0);
      expect(chatCalls(harness.simulator).length).toBe(before);
    });
  }

  test('an unknown model is a 404 model_not_found (NotFoundError in the SDK)', async () => {
    const result = await post({ model: 'gpt-17', messages: [{ role: 'user', content: 'x' }] });
    expect(result.status).toBe(404);
    expect(result.body.error).toMatchObject({ code: 'model_not_found', param: 'model' });
    const error = await harness.client.chat.completions
      .create({ model: 'gpt-17', messages: [{ role: 'user', content: 'x' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
  });

  test('a media model on the chat route with a bad image_config is a 400 naming the field', async () => {
    const result = await post({
      model: 'grok-imagine-1.0',
      messages: [{ role: 'user', content: 'a cat' }],
      image_config: { n: 11 },
    });
    expect(result.status).toBe(400);
    expect(result.body.error.param).toBe('image_config.n');
  });

  test('an attachment URL that points at a private address is refused before any upstream call', async () => {
    const before = harness.simulator.requests.length;
    const result = await post(
      user([
        { type: 'text', text: 'look' },
        { type: 'image_url', image_url: { url: 'http://169.254.169.254/latest/meta-data' } },
      ]),
    );
    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe('invalid_attachment');
    expect(result.body.error.message).toContain('private');
    expect(harness.simulator.requests.length).toBe(before);
  });

  test('a data-URI attachment is uploaded with the serving account and attached', async () => {
    harness.simulator.reset();
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='; // a whole 1×1 PNG: a truncated one is refused
    const completion = await harness.client.chat.completions.create({
      model: 'grok-4.1-fast',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Describe' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } },
          ],
        },
      ],
    });
    expect(completion.choices[0]!.message.content).toContain('Describe');
    // The default multipart v2 upload (§11.2): the file part only, no Imagine source.
    const upload = harness.simulator.requests.find((request) => request.path === '/http/upload-file-v2/direct');
    expect(upload).toBeDefined();
    expect(upload!.body).toEqual({
      file: { fileName: expect.any(String), type: 'image/png', size: Buffer.from(png, 'base64').length },
    });
    const chat = chatCalls(harness.simulator)[0]!.body as { fileAttachments: string[] };
    expect(chat.fileAttachments).toHaveLength(1);
  });
});

describe('routes', () => {
  test('unknown route: 404 in the OpenAI envelope', async () => {
    const response = await harness.api('/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(((await response.json()) as ErrorBody).error.type).toBe('not_found_error');
  });

  test('wrong method: 405 with Allow', async () => {
    const response = await harness.api('/v1/chat/completions', { method: 'GET' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toContain('POST');
    expect(((await response.json()) as ErrorBody).error.code).toBe('method_not_allowed');
  });

  test('health, readiness and the OpenAPI document', async () => {
    expect(await (await fetch(`${harness.server.url}/health`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${harness.server.url}/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { accounts: { active: number } }).accounts.active).toBe(1);
    const spec = (await (await fetch(`${harness.server.url}/docs/json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths)).toContain('/v1/chat/completions');
    expect(Object.keys(spec.paths)).toContain('/v1/admin/tokens');
  });

  test('every response carries a request id', async () => {
    const response = await fetch(`${harness.server.url}/health`, { headers: { 'x-request-id': 'trace-123' } });
    expect(response.headers.get('x-request-id')).toBe('trace-123');
  });
});
