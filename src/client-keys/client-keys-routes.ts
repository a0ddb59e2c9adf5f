import { Elysia, t } from 'elysia';
import { listModelIds } from '../catalog/models';
import { ApiError } from '../http/errors';
import type { RecordStore } from '../storage/types';
import { USAGE_COLLECTION, type UsageEntry } from '../usage/usage-recorder';
import {
  ClientKeyLimits,
  hashKey,
  keyId,
  keyUnusableReason,
  maskKey,
  newClientKey,
  type StoredClientKey,
} from './client-key';
import type { ClientKeyLimiter } from './client-key-limits';
import type { ClientKeyStore } from './client-key-store';
import { Type, type TSchema } from '@sinclair/typebox';
import { ADMIN_ERRORS, AnyObject, json, responses, shape } from '../http/openapi-responses';
import { routeGroup } from '../http/route-groups';

/** The console's API keys page: make (shown once), list, revoke, and per-key usage from the usage records. */

export interface ClientKeysRoutesDependencies {
  store: ClientKeyStore;
  limiter: ClientKeyLimiter;
  records: RecordStore;
  clock?: () => number;
}

const DAY_MS = 86_400_000;
const detail = (summary: string, description?: string, answer: TSchema = AnyObject, content = json(answer)) => ({
  tags: ['admin'],
  summary,
  description,
  responses: responses(content, { errors: ADMIN_ERRORS }),
});

const CreateBody = t.Object(
  {
    name: t.String({ minLength: 1, maxLength: 100 }),
    models: t.Optional(ClientKeyLimits.properties.models),
    rpm: t.Optional(ClientKeyLimits.properties.rpm),
    concurrency: t.Optional(ClientKeyLimits.properties.concurrency),
    daily_limit: t.Optional(ClientKeyLimits.properties.daily_limit),
    expires_at: t.Optional(t.Union([t.Number({ description: 'Epoch milliseconds' }), t.Null()])),
  },
  { additionalProperties: false },
);

/** The allowlist's choices by family (chat, image, video), each model with the aliases that name it. */
function modelGroups() {
  const groups: Record<'chat' | 'image' | 'video', { id: string; aliases: string[] }[]> = {
    chat: [],
    image: [],
    video: [],
  };
  const byId = new Map<string, { id: string; aliases: string[] }>();
  const entries = listModelIds();
  for (const entry of entries) {
    if (entry.id !== entry.model.id) continue;
    const family = entry.model.kind === 'chat' ? 'chat' : entry.model.kind === 'video' ? 'video' : 'image';
    const item = { id: entry.id, aliases: [] as string[] };
    byId.set(entry.id, item);
    groups[family].push(item);
  }
  for (const entry of entries) if (entry.id !== entry.model.id) byId.get(entry.model.id)?.aliases.push(entry.id);
  return (['chat', 'image', 'video'] as const).map((family) => ({ family, models: groups[family] }));
}

export function clientKeysRoutes(deps: ClientKeysRoutesDependencies) {
  const clock = deps.clock ?? Date.now;
  const view = (key: StoredClientKey) => {
    const { hash: _hash, ...visible } = key;
    return {
      ...visible,
      state: keyUnusableReason(key, clock()) ?? 'active',
      this_instance: deps.limiter.snapshot(key.id),
    };
  };
  const load = async (id: string) => {
    const key = await deps.store.get(id);
    if (!key)
      throw new ApiError({ status: 404, message: 'No API key with this id', param: 'id', code: 'key_not_found' });
    return key;
  };

  return routeGroup(
    { access: 'admin' },
    new Elysia({ name: 'admin-client-keys', prefix: '/v1/admin/console' })
      .get(
        '/keys',
        async () => ({
          keys: (await deps.store.all()).sort((left, right) => right.created_at - left.created_at).map(view),
          models: listModelIds().map((entry) => entry.id),
          model_groups: modelGroups(),
        }),
        {
          detail: detail(
            'Client API keys (never the key itself) and the model ids an allowlist may name',
            undefined,
            shape({ keys: Type.Array(AnyObject) }),
          ),
        },
      )
      .post(
        '/keys',
        async ({ body, set }) => {
          const now = clock();
          if (body.expires_at != null && body.expires_at <= now) {
            throw new ApiError({
              status: 400,
              message: 'expires_at must be in the future',
              param: 'expires_at',
              code: 'invalid_value',
            });
          }
          const known = new Set(listModelIds().map((entry) => entry.id));
          const unknown = (body.models ?? []).find((model) => !known.has(model));
          if (unknown !== undefined)
            throw new ApiError({
              status: 400,
              message: `Unknown model: ${unknown}`,
              param: 'models',
              code: 'invalid_value',
            });
          const secret = newClientKey();
          const hash = hashKey(secret);
          const key: StoredClientKey = {
            id: keyId(hash),
            name: body.name.trim(),
            hash,
            masked: maskKey(secret),
            models: body.models ?? [],
            rpm: body.rpm ?? 0,
            concurrency: body.concurrency ?? 0,
            daily_limit: body.daily_limit ?? 0,
            created_at: now,
            expires_at: body.expires_at ?? null,
            revoked_at: null,
          };
          await deps.store.save(key);
          set.status = 201;
          set.headers['cache-control'] = 'no-store';
          return { ...view(key), key: secret };
        },
        {
          body: CreateBody,
          detail: detail(
            'Create a client API key',
            'The response holds the key itself; it is not stored and cannot be shown again.',
            shape({ id: Type.String(), key: Type.String() }),
          ),
        },
      )
      .delete(
        '/keys/:id',
        async ({ params }) => {
          const key = await load(params.id);
          if (key.revoked_at === null) {
            key.revoked_at = clock();
            await deps.store.save(key);
          }
          return view(key);
        },
        { detail: detail('Revoke a client API key (takes effect on every instance within seconds)') },
      )
      .get(
        '/keys/:id/usage',
        async ({ params, query }) => {
          await load(params.id);
          const days = query.days === undefined ? 7 : Number(query.days);
          if (!Number.isInteger(days) || days < 1 || days > 90)
            throw new ApiError({
              status: 400,
              message: 'days must be an integer from 1 to 90',
              param: 'days',
              code: 'invalid_value',
            });
          const since = clock() - days * DAY_MS;
          // Usage ids begin with the time, so the scan starts at the window instead of the oldest record.
          let after = `${(since - 1).toString().padStart(15, '0')}`;
          const totals = {
            requests: 0,
            failed: 0,
            prompt_tokens: 0,
            completion_tokens: 0,
            by_model: {} as Record<string, number>,
            by_day: {} as Record<string, number>,
          };
          for (;;) {
            const page = await deps.records.list<UsageEntry>(USAGE_COLLECTION, { limit: 1000, after });
            for (const { value } of page) {
              if (value.apiKeyId !== params.id || value.at < since) continue;
              totals.requests += 1;
              if (value.outcome !== 'completed') totals.failed += 1;
              totals.prompt_tokens += value.promptTokens;
              totals.completion_tokens += value.completionTokens;
              totals.by_model[value.model] = (totals.by_model[value.model] ?? 0) + 1;
              const day = new Date(value.at).toISOString().slice(0, 10);
              totals.by_day[day] = (totals.by_day[day] ?? 0) + 1;
            }
            if (page.length < 1000) break;
            after = page.at(-1)!.id;
          }
          return { id: params.id, days, ...totals };
        },
        {
          query: t.Object({ days: t.Optional(t.String()) }),
          detail: detail('Usage of one client API key from the usage records'),
        },
      ),
  );
}
