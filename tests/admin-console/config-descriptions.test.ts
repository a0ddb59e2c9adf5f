import { expect, test } from 'bun:test';
import { join } from 'node:path';
import { ConfigSchema } from '../../src/config/schema';

/**
 * The config page's Chinese descriptions (public/admin/config-zh.js) follow the schema: every key
 * is there, no stale key is, and each entry's English is the schema's current description (so an
 * edited description fails here until its translation is looked at again).
 */

async function translations(): Promise<Record<string, [string, string]>> {
  const source = await Bun.file(join(import.meta.dir, '..', '..', 'public', 'admin', 'config-zh.js')).text();
  const fakeWindow: { configDescriptionsZh?: Record<string, [string, string]> } = {};
  new Function('window', source)(fakeWindow);
  return fakeWindow.configDescriptionsZh!;
}

const schemaDescriptions = () =>
  Object.entries(ConfigSchema.properties).flatMap(([section, schema]) =>
    Object.entries((schema as unknown as { properties: Record<string, { description?: string }> }).properties).map(
      ([key, keySchema]) => [`${section}.${key}`, keySchema.description ?? ''] as const,
    ),
  );

test('every config key has a Chinese description, made from its current English one', async () => {
  const zh = await translations();
  const expected = schemaDescriptions();
  expect(Object.keys(zh).sort()).toEqual(expected.map(([key]) => key).sort());
  for (const [key, english] of expected) {
    expect([key, zh[key]![0]]).toEqual([key, english]);
    expect(zh[key]![1]).toMatch(/[\u4e00-\u9fff]/);
  }
});
