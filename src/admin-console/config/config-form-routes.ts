import { Elysia } from 'elysia';
import { SECRET_KEYS } from '../../config/secret-keys';
import { ConfigSchema } from '../../config/schema';
import type { KeySource } from '../../config/store';
import { Type } from '@sinclair/typebox';
import { AnyObject, json, responses, shape } from '../../http/openapi-responses';

/**
 * What the console's config page needs to draw a form: every section and key with its JSON
 * schema (type, default, bounds, choices, description), which keys are secrets, and which keys a
 * switch governs. Values come from GET /v1/admin/config (masked); saving goes to POST
 * /v1/admin/config with only the changed keys.
 */

/** proxy.enabled (FlareSolverr auto-refresh) fills in these keys itself and needs those. */
const GOVERNED = {
  'proxy.enabled': {
    managed: ['cf_cookies', 'cf_clearance', 'user_agent', 'browser'],
    needs: ['flaresolverr_url', 'refresh_interval', 'timeout'],
  },
};

const ConfigForm = shape({
  sections: Type.Array(shape({ name: Type.String(), keys: Type.Array(AnyObject) })),
  governed: AnyObject,
  sources: AnyObject,
});

type Sources = () => Record<string, KeySource>;

export function configFormRoutes(sources: Sources = () => ({})) {
  const sections = Object.entries(ConfigSchema.properties).map(([name, schema]) => ({
    name,
    keys: Object.entries((schema as { properties: Record<string, unknown> }).properties).map(([key, keySchema]) => ({
      key,
      schema: JSON.parse(JSON.stringify(keySchema)) as unknown,
      secret: SECRET_KEYS[name]?.includes(key) ?? false,
    })),
  }));
  return (
    new Elysia({ name: 'admin-console-config-form', prefix: '/v1/admin/console' })
      // source per key: an environment key is shown read-only with its variable (the API refuses changes to it).
      .get('/config-form', () => ({ sections, governed: GOVERNED, sources: sources() }), {
        detail: {
          tags: ['admin'],
          summary: 'The config form: every key with its schema and description, secrets and governed keys',
          responses: responses(json(ConfigForm), { errors: [401, 429] }),
        },
      })
  );
}
