import { describe, expect, test } from 'bun:test';
import { resolveModel, unknownAliasTargets } from '../../src/catalog/model-aliases';
import { modelEntries } from '../../src/catalog/model-listing';
import { buildConfig } from '../../src/config/validate';
import { ConfigError } from '../../src/config/errors';

const defaults = buildConfig().models.aliases;

describe('model aliases', () => {
  test("the defaults map Claude Code's model families onto a strong, a fast and a mini model", () => {
    expect(resolveModel('claude-opus-4-5-20251101', defaults)?.id).toBe('grok-4.1-expert');
    expect(resolveModel('claude-sonnet-4-5', defaults)?.id).toBe('grok-4.1-fast');
    expect(resolveModel('claude-3-5-haiku-20241022', defaults)?.id).toBe('grok-4.1-mini');
    expect(resolveModel('Claude-Haiku-4-5', defaults)?.id).toBe('grok-4.1-mini');
    expect(resolveModel('claude-9', defaults)).toBeUndefined();
    expect(resolveModel('gpt-4o', defaults)).toBeUndefined();
  });

  test('our ids win over patterns; operator patterns win over built-in names; first match wins', () => {
    const aliases = ['*=grok-4', 'grok-code-*=grok-4.1-expert'];
    expect(resolveModel('grok-4.1-fast', aliases)?.id).toBe('grok-4.1-fast');
    expect(resolveModel('grok-code-fast-1', aliases)?.id).toBe('grok-4');
    expect(resolveModel('grok-code-fast-1', ['grok-code-*=grok-4.1-expert', '*=grok-4'])?.id).toBe('grok-4.1-expert');
    expect(resolveModel('grok-code-fast-1', [])?.id).toBe('grok-4.1-fast');
    expect(resolveModel('a.b', ['a?b=grok-4'])?.id).toBe('grok-4');
    expect(resolveModel('axxb', ['a.b=grok-4'])).toBeUndefined(); // dots are literal
  });

  test('the listing names each alias and what it stands for, globs as written', () => {
    const entries = modelEntries(['claude-*opus*=grok-4.1-expert', 'my-model=grok-4']);
    expect(entries.find((entry) => entry.id === 'claude-*opus*')).toMatchObject({ aliasFor: 'grok-4.1-expert' });
    expect(entries.find((entry) => entry.id === 'my-model')).toMatchObject({ aliasFor: 'grok-4' });
    expect(entries.find((entry) => entry.id === 'grok-4')?.aliasFor).toBeUndefined();
    expect(entries.find((entry) => entry.id === 'grok-code-fast-1')).toMatchObject({ aliasFor: 'grok-4.1-fast' });
  });

  test('config: a target that is not our model, or an entry without =, is an error naming models.aliases', () => {
    expect(unknownAliasTargets(['x=grok-4', 'y=grok-99'])).toEqual(['y=grok-99']);
    const bad = (aliases: string[]) => {
      try {
        buildConfig({ models: { aliases } });
        return null;
      } catch (error) {
        return error;
      }
    };
    const unknown = bad(['claude-*=grok-99']);
    expect(unknown).toBeInstanceOf(ConfigError);
    expect((unknown as ConfigError).issues[0]).toMatchObject({ key: 'models.aliases', value: ['claude-*=grok-99'] });
    expect((bad(['no separator']) as ConfigError).issues[0]?.key).toBe('models.aliases');
    expect(bad(['gpt-*=grok-4.1-fast'])).toBeNull();
  });
});
