import { Elysia, t } from 'elysia';
import type { ConfigStore } from '../config/store';
import { ConfigError, EnvironmentOverrideError } from '../config/errors';
import type { Config } from '../config/schema';
import { maskSecret } from '../logging/logger';
import { ApiError, invalidRequest } from '../http/errors';
import { Type } from '@sinclair/typebox';
import { ADMIN_ERRORS, ADMIN_READ_ERRORS, AnyObject, json, responses, Success } from '../http/openapi-responses';
import { SECRET_KEYS } from '../config/secret-keys';
import { routeGroup } from '../http/route-groups';

/** The shortest admin password the API accepts (a shorter one in config.toml is only warned about). */
export const MIN_ADMIN_PASSWORD_CHARS = 12;

function checkAdminPassword(patch: Record<string, unknown>, current: Config): boolean {
  const app = patch.app;
  if (typeof app !== 'object' || app === null || !('app_key' in app)) return false;
  const value = (app as Record<string, unknown>).app_key;
  if (value === current.app.app_key) return false;
  if (typeof value !== 'string' || value.trim().length < MIN_ADMIN_PASSWORD_CHARS || value.trim() !== value) {
    const message = `The admin password must be at least ${MIN_ADMIN_PASSWORD_CHARS} characters, without leading or trailing spaces.`;
    throw invalidRequest(message, 'app.app_key', 'invalid_config');
  }
  return true;
}

function maskValue(value: unknown): unknown {
  if (typeof value === 'string') return value ? maskSecret(value) : '';
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? maskSecret(item) : item));
  return value;
}

export function maskedConfig(config: Config): Record<string, Record<string, unknown>> {
  const copy = structuredClone(config) as unknown as Record<string, Record<string, unknown>>;
  for (const [section, keys] of Object.entries(SECRET_KEYS)) {
    for (const key of keys)
      if (copy[section] && key in copy[section]) copy[section][key] = maskValue(copy[section][key]);
  }
  return copy;
}

/** Drops secret values that are just the masked form we sent out, so a read-edit-save round trip keeps them. */
function withoutMaskedEchoes(patch: Record<string, unknown>, current: Config): Record<string, unknown> {
  const masked = maskedConfig(current);
  const result: Record<string, unknown> = {};
  for (const [section, values] of Object.entries(patch)) {
    if (typeof values !== 'object' || values === null || Array.isArray(values)) {
      result[section] = values;
      continue;
    }
    const kept: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values)) {
      const isSecret = SECRET_KEYS[section]?.includes(key);
      const echoesMask =
        isSecret &&
        JSON.stringify(value) === JSON.stringify(masked[section]?.[key]) &&
        JSON.stringify(value) !== JSON.stringify((current as never)[section]?.[key]);
      if (!echoesMask) kept[key] = value;
    }
    result[section] = kept;
  }
  return result;
}

/** The config by section, as config.toml has it (secrets masked). */
const ConfigAnswer = Type.Record(Type.String(), AnyObject);
const KeySources = Type.Record(
  Type.String(),
  Type.Object({ source: Type.String(), variable: Type.Optional(Type.String()) }),
);

export function configRoutes(deps: { config: ConfigStore }) {
  return routeGroup(
    { access: 'admin' },
    new Elysia({ name: 'admin-config', prefix: '/v1/admin' })
      .get('/config', ({ query }) => (query.reveal === 'true' ? deps.config.get() : maskedConfig(deps.config.get())), {
        query: t.Object({ reveal: t.Optional(t.String()) }),
        detail: {
          tags: ['admin'],
          summary: 'Effective config (secrets masked unless ?reveal=true)',
          responses: responses(json(ConfigAnswer), { errors: ADMIN_READ_ERRORS }),
        },
      })
      .post(
        '/config',
        async ({ body }) => {
          const patch = withoutMaskedEchoes(body, deps.config.get());
          let passwordChanged = false;
          try {
            passwordChanged = checkAdminPassword(patch, deps.config.get());
            await deps.config.update(patch as never, { origin: 'admin' });
          } catch (error) {
            if (error instanceof ApiError) throw error;
            if (error instanceof EnvironmentOverrideError) {
              throw new ApiError({ status: 409, message: error.message, param: error.key, code: 'set_by_environment' });
            }
            // The failing key (section.key) as the param, so a form can show the error beside its field.
            throw invalidRequest(
              (error as Error).message,
              error instanceof ConfigError && error.key ? error.key : 'body',
              'invalid_config',
            );
          }
          // Sessions remember the password they were opened with: a new one ends them all (the console signs in again).
          const ended = passwordChanged ? { sessions_ended: true } : {};
          return { status: 'success', config: maskedConfig(deps.config.get()), ...ended };
        },
        {
          body: t.Record(t.String(), t.Any()),
          detail: {
            tags: ['admin'],
            summary: 'Update config: validated, written atomically, applied without restart',
            description:
              'A key set by an environment variable is refused with 409 set_by_environment naming the variable. ' +
              'A new app.app_key (12+ characters) ends every console session.',
            responses: responses(
              json(Success({ config: ConfigAnswer, sessions_ended: Type.Optional(Type.Boolean()) })),
              {
                errors: [...ADMIN_ERRORS, 409],
              },
            ),
          },
        },
      )
      .get('/config/sources', () => deps.config.sources(), {
        detail: {
          tags: ['admin'],
          summary: "Where each key's value comes from: default, file, environment (with the variable) or cluster",
          responses: responses(json(KeySources), { errors: ADMIN_READ_ERRORS }),
        },
      }),
  );
}
