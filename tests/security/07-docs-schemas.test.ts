import { afterAll, beforeAll, expect, test } from 'bun:test';
import { API_KEY, APP_KEY, startHarness, type Harness } from '../helpers/gateway-harness';

/**
 * Finding 7, second half: every operation in /docs/json has a request schema (where it takes a
 * body) and response schemas; and what a route answers matches what its document says, checked
 * live on every operation that needs no path parameter or body.
 */

interface Schema {
  type?: string;
  required?: string[];
  properties?: Record<string, Schema>;
  anyOf?: Schema[];
  items?: Schema;
  additionalProperties?: unknown;
  patternProperties?: unknown;
  format?: string;
}
interface Operation {
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>;
  parameters?: { in: string; name: string }[];
}

/** POST routes that take no body: an action on the resource named in the path. */
const NO_BODY = new Set([
  'POST /v1/admin/console/accounts/{id}/refresh',
  'POST /v1/admin/console/jobs/{id}/cancel',
  'POST /v1/admin/diagnostics/clearance/refresh',
  'POST /v1/admin/batch/{id}/cancel',
]);

let harness: Harness;
let operations: { method: string; path: string; operation: Operation }[];
beforeAll(async () => {
  harness = await startHarness({
    env: { GROK2API_APP_FUNCTION_ENABLED: 'true', GROK2API_APP_FUNCTION_KEY: 'function-key-for-tests' },
  });
  const document = await (await fetch(`${harness.server.url}/docs/json`)).json();
  operations = Object.entries(document.paths as Record<string, Record<string, Operation>>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
  );
});
afterAll(() => harness.stop());

const isSchema = (schema: Schema | undefined) =>
  schema !== undefined && (schema.type !== undefined || schema.anyOf !== undefined);

test('every operation documents its request body and its responses', () => {
  expect(operations.length).toBeGreaterThan(60);
  const missing: string[] = [];
  for (const { method, path, operation } of operations) {
    const name = `${method} ${path}`;
    const takesBody = ['POST', 'PUT', 'PATCH'].includes(method) && !NO_BODY.has(name);
    if (takesBody) {
      const bodies = Object.values(operation.requestBody?.content ?? {});
      if (bodies.length === 0 || !bodies.every((body) => isSchema(body.schema)))
        missing.push(`${name}: request body schema`);
    }
    const answers = Object.entries(operation.responses ?? {});
    const success = answers.filter(([status]) => status.startsWith('2'));
    if (success.length === 0) missing.push(`${name}: no 2xx response`);
    for (const [status, answer] of answers) {
      const contents = Object.values(answer.content ?? {});
      if (contents.length === 0 || !contents.every((content) => isSchema(content.schema)))
        missing.push(`${name}: ${status} has no schema`);
      if (status.startsWith('4') && !contents.some((content) => content.schema?.required?.includes('error')))
        missing.push(`${name}: ${status} is not an error envelope`);
    }
  }
  expect(missing).toEqual([]);
});

test('what each parameterless GET answers has the fields its schema requires', async () => {
  const checked: string[] = [];
  const wrong: string[] = [];
  for (const { method, path, operation } of operations) {
    if (method !== 'GET' || /[{*]/.test(path)) continue;
    const key = path.startsWith('/v1/admin')
      ? APP_KEY
      : path.startsWith('/v1/function')
        ? 'function-key-for-tests'
        : API_KEY;
    const response = await fetch(`${harness.server.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
    const documented = operation.responses?.[String(response.status)];
    if (!documented) {
      wrong.push(`${path}: answered ${response.status}, which is not documented`);
      continue;
    }
    const type = response.headers.get('content-type')?.split(';')[0] ?? '';
    const schema =
      documented.content?.[type]?.schema ??
      (type === 'application/json' ? undefined : Object.values(documented.content ?? {})[0]?.schema);
    if (!schema) wrong.push(`${path}: ${type} is not documented for ${response.status}`);
    if (type === 'application/json' && schema) {
      const body = await response.json();
      for (const field of schema.required ?? [])
        if (!(field in body)) wrong.push(`${path}: '${field}' is required by the schema but missing`);
    } else await response.body?.cancel();
    checked.push(path);
  }
  expect(checked.length).toBeGreaterThan(15);
  expect(wrong).toEqual([]);
});
