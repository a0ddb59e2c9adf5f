import { Value } from '@sinclair/typebox/value';
import { ConfigSchema, type Config } from '../../src/config/schema';

type Overrides = { [Section in keyof Config]?: Partial<Config[Section]> };

/** The default config with some keys changed, as the loader would produce it. */
export function testConfig(overrides: Overrides = {}): Config {
  const config = Value.Create(ConfigSchema);
  for (const [section, values] of Object.entries(overrides)) Object.assign(config[section as keyof Config], values);
  return config;
}
