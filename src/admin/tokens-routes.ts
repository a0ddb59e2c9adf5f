import { maskedReferenceToken, unmaskReplaceBody, type ListedToken } from './masked-tokens';
import { Elysia, t } from 'elysia';
import type { Config } from '../config/schema';
import { ApiError } from '../http/errors';
import type { AccountPool } from '../pool/account-pool';
import { runBounded } from '../pool/run-bounded';
import { parseReferenceEntry, toReferenceToken, type ReferenceToken } from '../storage/reference-token-format';
import { BASIC_POOL, SUPER_POOL, type NewAccount, type Storage } from '../storage/types';
import { normalizeToken } from '../upstream/grok/token';
import { Type, type TSchema } from '@sinclair/typebox';
import { ADMIN_ERRORS, AnyObject, json, responses, shape, Success } from '../http/openapi-responses';
import { routeGroup } from '../http/route-groups';

/**
 * Admin token API (docs/python-compatibility.md §4.1, the /tokens rows), reference
 * compatible where clients depend on it, with the reference's weaknesses fixed: the replace is
 * one atomic diff in storage (not a rewrite from a stale copy), the last token can be deleted,
 * bad input is a 4xx naming the problem, and non-destructive add/delete/patch routes exist so a
 * UI never has to send the whole set. Full tokens appear in responses (the admin's own data) and
 * are never logged here.
 */

export interface TokensRoutesDependencies {
  pool: AccountPool;
  storage: Storage;
  config: () => Config;
}

const PoolName = t.String({ minLength: 1, maxLength: 64, description: 'ssoBasic, ssoSuper or a custom pool' });
const TokenList = t.Union([t.Array(t.String()), t.String({ description: 'One token per line' })]);
const Tags = t.Array(t.String({ maxLength: 64 }), { maxItems: 32 });
const Note = t.String({ maxLength: 1000 });
const strict = { additionalProperties: false } as const;

/**
 * Elysia silently drops fields a body schema does not list. On these write routes a misspelt
 * field (`stauts`, `pol`) would then "succeed" doing something else, so it is a 400 instead. This
 * runs as the route's transform hook, which sees the body before Elysia cleans it.
 */
function rejectUnknownFields(schema: { properties: Record<string, unknown> }) {
  return ({ body }: { body: unknown }) => {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return;
    const unknown = Object.keys(body).find((field) => !Object.hasOwn(schema.properties, field));
    if (unknown !== undefined) {
      throw new ApiError({ status: 400, message: `Unknown field: ${unknown}`, param: unknown, code: 'unknown_field' });
    }
  };
}

const AddBody = t.Object(
  {
    tokens: TokenList,
    pool: t.Optional(PoolName),
    quota: t.Optional(t.Integer({ minimum: 0 })),
    tags: t.Optional(Tags),
    note: t.Optional(Note),
    sync: t.Optional(t.Boolean({ description: 'Sync the quotas of the added accounts now' })),
  },
  strict,
);
const DeleteBody = t.Object({ tokens: TokenList }, strict);
const PatchBody = t.Object(
  {
    token: t.String({ minLength: 1 }),
    pool: t.Optional(PoolName),
    status: t.Optional(t.Union([t.Literal('active'), t.Literal('disabled')])),
    quota: t.Optional(t.Integer({ minimum: 0 })),
    tags: t.Optional(Tags),
    note: t.Optional(Note),
  },
  strict,
);
const RefreshBody = t.Object({ token: t.Optional(t.String()), tokens: t.Optional(t.Array(t.String())) }, strict);
/** Entries stay `unknown` here: an invalid entry is skipped and counted, not a reason to refuse the set. */
const ReplaceBody = t.Record(t.String({ minLength: 1, maxLength: 64 }), t.Array(t.Unknown()));

const detail = (summary: string, answer: TSchema, description?: string) => ({
  tags: ['admin'],
  summary,
  description,
  responses: responses(json(answer), { errors: ADMIN_ERRORS }),
});
const TokenListing = shape({
  tokens: Type.Record(Type.String(), Type.Array(AnyObject)),
  consumed_mode_enabled: Type.Boolean(),
});
const counts = (...names: string[]) => Object.fromEntries(names.map((name) => [name, Type.Integer()]));
const ReplaceSummary = Success({ summary: shape(counts('added', 'updated', 'removed', 'invalid')) });

/** Tokens from a list or newline-separated text; blank lines are not entries. */
function splitTokens(input: string | string[]): string[] {
  const lines = typeof input === 'string' ? input.split(/\r?\n/) : input;
  return lines.map((line) => line.trim()).filter((line) => line !== '');
}

function normalizeAll(raw: string[]): { tokens: string[]; invalid: number; repeated: number } {
  const tokens = new Set<string>();
  let invalid = 0;
  let repeated = 0;
  for (const entry of raw) {
    const token = normalizeToken(entry);
    if (token === null) invalid += 1;
    else if (tokens.has(token)) repeated += 1;
    else tokens.add(token);
  }
  return { tokens: [...tokens], invalid, repeated };
}

const noTokens = () =>
  new ApiError({ status: 400, message: 'No tokens provided', param: 'tokens', code: 'missing_tokens' });

/** Each entry of a replace body as a NewAccount; a token listed twice keeps its first entry. */
function parseReplaceBody(body: Record<string, unknown[]>): { accounts: NewAccount[]; invalid: number } {
  const accounts = new Map<string, NewAccount>();
  let invalid = 0;
  for (const [pool, entries] of Object.entries(body)) {
    for (const entry of entries) {
      const account = parseReferenceEntry(entry, pool);
      if (!account || accounts.has(account.token)) invalid += 1;
      else accounts.set(account.token, account);
    }
  }
  return { accounts: [...accounts.values()], invalid };
}

export function tokensRoutes(deps: TokensRoutesDependencies) {
  const syncAll = async (tokens: string[]) => {
    const outcomes = await runBounded(tokens, deps.config().usage.concurrent, (token) => deps.pool.sync(token));
    return outcomes.map((outcome) => outcome.status === 'fulfilled' && outcome.value !== null);
  };

  return routeGroup(
    { access: 'admin' },
    new Elysia({ name: 'admin-tokens', prefix: '/v1/admin' })
      .get('/verify', () => ({ status: 'success' }), { detail: detail('Check the admin key', Success()) })
      .get(
        '/tokens',
        async ({ query }) => {
          // Masked unless the caller asks for the secrets explicitly (see masked-tokens.ts).
          const full = query.export === 'true' || query.export === '1';
          const tokens: Record<string, (ReferenceToken | ListedToken)[]> = { [BASIC_POOL]: [], [SUPER_POOL]: [] };
          for (const account of await deps.storage.accounts.list()) {
            (tokens[account.pool] ??= []).push(full ? toReferenceToken(account) : maskedReferenceToken(account));
          }
          return { tokens, consumed_mode_enabled: deps.config().token.consumed_mode_enabled };
        },
        {
          query: t.Object({ export: t.Optional(t.String()) }),
          detail: detail(
            'All accounts by pool in the reference format; tokens masked (with an `id`) unless `?export=true`',
            TokenListing,
          ),
        },
      )
      .post(
        '/tokens',
        async ({ body, query }) => {
          const existing = await deps.storage.accounts.list();
          const { accounts, invalid } = parseReplaceBody(unmaskReplaceBody(body, existing));
          // One wrong body ({}) must not wipe the pool: removing every account needs an explicit confirmation.
          const kept = new Set(accounts.map((account) => account.token));
          const removesAll = existing.length > 0 && !existing.some((account) => kept.has(account.token));
          if (removesAll && query.confirm !== 'replace_all') {
            throw new ApiError({
              status: 409,
              message: `This would remove all ${existing.length} accounts. Send it again with ?confirm=replace_all if you mean it.`,
              param: 'confirm',
              code: 'confirmation_required',
            });
          }
          const summary = await deps.pool.replaceAll(accounts);
          return {
            status: 'success',
            summary: {
              added: summary.added.length,
              updated: summary.updated.length,
              removed: summary.removed.length,
              invalid,
            },
          };
        },
        {
          body: ReplaceBody,
          query: t.Object({ confirm: t.Optional(t.String()) }),
          detail: detail(
            'Replace the whole account set (one atomic diff)',
            ReplaceSummary,
            'A body that would remove every account (e.g. {}) needs ?confirm=replace_all, unlike the Python project; ' +
              'otherwise 409 confirmation_required.',
          ),
        },
      )
      .post(
        '/tokens/add',
        async ({ body }) => {
          const { tokens, invalid, repeated } = normalizeAll(splitTokens(body.tokens));
          const entries = tokens.map((token) => ({ token, quota: body.quota, tags: body.tags, note: body.note }));
          const { added, duplicates } = await deps.pool.add(entries, body.pool ?? BASIC_POOL);
          const result = { status: 'success', added: added.length, duplicates: duplicates.length + repeated, invalid };
          if (!body.sync) return result;
          const synced = await syncAll(added);
          return {
            ...result,
            synced: { ok: synced.filter(Boolean).length, failed: synced.filter((ok) => !ok).length },
          };
        },
        {
          body: AddBody,
          transform: rejectUnknownFields(AddBody),
          detail: detail('Add accounts without touching the others', Success(counts('added', 'duplicates', 'invalid'))),
        },
      )
      .post(
        '/tokens/delete',
        async ({ body }) => {
          const { tokens } = normalizeAll(splitTokens(body.tokens));
          if (tokens.length === 0) throw noTokens();
          return { status: 'success', removed: await deps.pool.remove(tokens) };
        },
        {
          body: DeleteBody,
          transform: rejectUnknownFields(DeleteBody),
          detail: detail('Delete accounts', Success({ removed: Type.Integer() })),
        },
      )
      .patch(
        '/tokens',
        async ({ body }) => {
          const token = normalizeToken(body.token);
          if (token === null) throw new ApiError({ status: 400, message: 'Invalid token', param: 'token' });
          const { token: _raw, ...patch } = body;
          const account = await deps.pool.update(token, patch);
          if (!account)
            throw new ApiError({ status: 404, message: 'Token not found', param: 'token', code: 'token_not_found' });
          return { status: 'success', token: { ...maskedReferenceToken(account), pool: account.pool } };
        },
        {
          body: PatchBody,
          transform: rejectUnknownFields(PatchBody),
          detail: detail('Edit one account (pool, status, quota, tags, note)', Success({ token: AnyObject })),
        },
      )
      .post(
        '/tokens/refresh',
        async ({ body }) => {
          const raw = splitTokens([...(body.token === undefined ? [] : [body.token]), ...(body.tokens ?? [])]);
          if (raw.length === 0) throw noTokens();
          const keys = [...new Set(raw.map((entry) => normalizeToken(entry) ?? entry))];
          const valid = keys.filter((key) => normalizeToken(key) === key);
          const outcomes = await syncAll(valid);
          // Keyed by the tokens exactly as this request sent them (reference shape): an echo of the
          // caller's own input, never a token it did not already have.
          const results: Record<string, boolean> = Object.fromEntries(keys.map((key) => [key, false]));
          valid.forEach((token, position) => (results[token] = outcomes[position]!));
          return { status: 'success', results };
        },
        {
          body: RefreshBody,
          transform: rejectUnknownFields(RefreshBody),
          detail: detail('Sync account quotas from Grok now', Success({ results: AnyObject })),
        },
      ),
  );
}
