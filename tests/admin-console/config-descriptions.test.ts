import { expect, test } from 'bun:test';
import { CONFIG_DESCRIPTIONS_ZH } from '../../public/admin/config-descriptions-zh';
import { EN } from '../../public/common/strings-en';
import { ZH } from '../../public/common/strings-zh';
import { ConfigSchema } from '../../src/config/schema';

/**
 * The config page's Chinese descriptions (public/admin/config-descriptions-zh.ts) follow the
 * schema: every key is there, no stale key is, and each entry's English is the schema's current
 * description (so an edited description fails here until its translation is looked at again).
 */

const schemaDescriptions = () =>
  Object.entries(ConfigSchema.properties).flatMap(([section, schema]) =>
    Object.entries((schema as unknown as { properties: Record<string, { description?: string }> }).properties).map(
      ([key, keySchema]) => [`${section}.${key}`, keySchema.description ?? ''] as const,
    ),
  );

test('every config key has a Chinese description, made from its current English one', () => {
  const zh = CONFIG_DESCRIPTIONS_ZH;
  const expected = schemaDescriptions();
  expect(Object.keys(zh).sort()).toEqual(expected.map(([key]) => key).sort());
  for (const [key, english] of expected) {
    expect([key, zh[key]![0]]).toEqual([key, english]);
    expect(zh[key]![1]).toMatch(/[\u4e00-\u9fff]/);
  }
});

test('every config section has a title and a hint in English and Chinese', () => {
  const missing: string[] = [];
  for (const [language, strings] of [
    ['en', EN],
    ['zh', ZH],
  ] as const) {
    for (const section of Object.keys(ConfigSchema.properties))
      for (const key of [`section_${section}`, `sectionHint_${section}`])
        if (!(strings as Record<string, string>)[key]) missing.push(`${language}: ${key}`);
  }
  expect(missing).toEqual([]);
  expect(Object.keys(ConfigSchema.properties).length).toBeGreaterThan(10);
});
