import { ConfigSchema, SECTION_NAMES } from './schema';

/**
 * Renders the configuration reference (docs/configuration.md) from the schema, so the document
 * can never miss a key or show a stale default. `npm run docs:config` rewrites the file; a test
 * fails when it is out of date.
 */

type PropertySchema = {
  default?: unknown;
  description?: string;
  anyOf?: { const?: unknown }[];
  minimum?: number;
  maximum?: number;
};

function allowedValues(schema: PropertySchema): string {
  const literals = schema.anyOf?.map((option) => option.const).filter((value) => value !== undefined) ?? [];
  if (literals.length > 0) return literals.map((value) => `\`${String(value)}\``).join(' \\| ');
  const bounds = [
    schema.minimum !== undefined ? `≥ ${schema.minimum}` : '',
    schema.maximum !== undefined ? `≤ ${schema.maximum}` : '',
  ].filter(Boolean);
  return bounds.join(', ');
}

const envName = (section: string, key: string) => `GROK2API_${section.toUpperCase()}_${key.toUpperCase()}`;

export function renderConfigReference(): string {
  const lines = [
    '# Configuration reference',
    '',
    'Generated from `src/config/schema.ts` by `npm run docs:config`; do not edit by hand.',
    '',
    'Effective config = these defaults ← `DATA_DIR/config.toml` ← environment. Every key can be set with',
    '`GROK2API_<SECTION>_<KEY>`; arrays accept JSON (`["a","b"]`) or a comma-separated list.',
    'A bad value stops start-up (or an admin update) with an error that names the key.',
    '',
    "The Python project's `FLARESOLVERR_URL`, `CF_REFRESH_INTERVAL` and `CF_TIMEOUT` are read too, as start-up",
    'defaults beneath `config.toml`: `FLARESOLVERR_URL` sets `proxy.flaresolverr_url` and `proxy.enabled = true`,',
    '`CF_REFRESH_INTERVAL` sets `proxy.refresh_interval` (600 when unset) and `CF_TIMEOUT` sets `proxy.timeout`',
    '(60 when unset). A value in `config.toml` or saved from the console wins over them; `GROK2API_PROXY_*`',
    'wins over both.',
    '',
  ];
  for (const section of SECTION_NAMES) {
    const properties = (ConfigSchema.properties[section] as unknown as { properties: Record<string, PropertySchema> })
      .properties;
    lines.push(`## [${section}]`, '', '| key | default | allowed | environment | meaning |', '|---|---|---|---|---|');
    for (const [key, schema] of Object.entries(properties)) {
      const defaultValue = JSON.stringify(schema.default);
      lines.push(
        `| \`${key}\` | \`${defaultValue}\` | ${allowedValues(schema)} | \`${envName(section, key)}\` | ${schema.description ?? ''} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

if (import.meta.main) {
  await Bun.write('docs/configuration.md', renderConfigReference());
  console.log('wrote docs/configuration.md');
}
