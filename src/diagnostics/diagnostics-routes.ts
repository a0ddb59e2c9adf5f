import { matchesAnyKey } from '../auth/constant-time';
import { Elysia, t } from 'elysia';
import type { ClearanceRefresher } from '../cloudflare/clearance-refresher';
import type { Config } from '../config/schema';
import { invalidRequest } from '../http/errors';
import type { AccountPool } from '../pool/account-pool';
import type { GrokClient } from '../upstream/grok/client';
import { VERSION } from '../version';
import { runProbe } from './probe';
import type { UpstreamCapture } from './upstream-capture';
import { Type, type TSchema } from '@sinclair/typebox';
import { ADMIN_ERRORS, AnyObject, json, responses, shape } from '../http/openapi-responses';
import { routeGroup } from '../http/route-groups';

export interface DiagnosticsDependencies {
  config: () => Config;
  pool: AccountPool;
  grok: GrokClient;
  capture: UpstreamCapture;
  clearance?: ClearanceRefresher;
  fetch?: typeof fetch;
}

/** Admin diagnostics: a step-by-step upstream probe and the capture bundle download. */
const detail = (summary: string, answer: TSchema, errors = [401, 429]) => ({
  tags: ['admin'],
  summary,
  responses: responses(json(answer), { errors }),
});

export function diagnosticsRoutes(deps: DiagnosticsDependencies) {
  return routeGroup(
    { access: 'admin' },
    new Elysia({ name: 'admin-diagnostics', prefix: '/v1/admin/diagnostics' })
      .post(
        '/probe',
        async ({ body, request }) => {
          const token = chooseAccount(deps.pool, body?.token);
          return runProbe({
            config: deps.config(),
            grok: deps.grok,
            token,
            chat: body?.chat,
            fetch: deps.fetch,
            signal: request.signal,
          });
        },
        {
          body: t.Optional(t.Object({ token: t.Optional(t.String()), chat: t.Optional(t.Boolean()) })),
          detail: detail(
            'Probe the upstream with one account: connect, Cloudflare, session, rate limits, a tiny chat',
            AnyObject,
            ADMIN_ERRORS,
          ),
        },
      )
      .get(
        '/capture',
        ({ set }) => {
          const bundle = captureBundle(deps.config(), deps.capture);
          set.headers['content-disposition'] =
            `attachment; filename="grok2api-capture-${bundle.generatedAt.replace(/[:.]/g, '-')}.json"`;
          return bundle;
        },
        {
          detail: detail(
            'Download the captured upstream exchanges (headers redacted, bodies truncated)',
            shape({ generatedAt: Type.String() }),
          ),
        },
      )
      .get(
        '/proxies',
        () => {
          const proxy = deps.config().proxy;
          return {
            base: deps.grok.proxies.status(proxy.base_proxy_url),
            asset: deps.grok.proxies.status(proxy.asset_proxy_url),
          };
        },
        {
          detail: detail(
            'Health of the proxies in proxy.base_proxy_url / asset_proxy_url (credentials masked)',
            shape({ base: Type.Unknown(), asset: Type.Unknown() }),
          ),
        },
      )
      .get('/clearance', async () => (deps.clearance ? await deps.clearance.report() : { enabled: false }), {
        detail: detail(
          'FlareSolverr clearance refresh state (last success, last error)',
          shape({ enabled: Type.Boolean() }),
        ),
      })
      .post(
        '/clearance/refresh',
        async () => {
          if (!deps.clearance?.status().enabled) {
            throw invalidRequest(
              'Clearance refresh is off: set proxy.enabled and proxy.flaresolverr_url.',
              'proxy.enabled',
            );
          }
          const refreshed = await deps.clearance.refresh('manual');
          return { refreshed, ...(await deps.clearance.report()) };
        },
        { detail: detail('Refresh the Cloudflare clearance now', shape({ refreshed: Type.Boolean() }), ADMIN_ERRORS) },
      )
      .delete(
        '/capture',
        () => {
          deps.capture.clear();
          return { cleared: true };
        },
        {
          detail: detail(
            'Forget the captured exchanges',
            Type.Object({ cleared: Type.Literal(true) }),
            [401, 403, 429],
          ),
        },
      ),
  );
}

/** The named account (it must be in the pool), or the first active one. */
function chooseAccount(pool: AccountPool, token: string | undefined): string {
  if (token !== undefined) {
    const wanted = token.trim();
    // Constant-time, like every secret compare (src/auth/constant-time.ts).
    if (
      !matchesAnyKey(
        wanted,
        pool.accounts().map((account) => account.token),
      )
    )
      throw invalidRequest('token is not an account of the pool.', 'token');
    return wanted;
  }
  const account = pool.accounts({ status: 'active' })[0] ?? pool.accounts()[0];
  if (!account) throw invalidRequest('The pool has no account to probe with: add one first.', 'token');
  return account.token;
}

function captureBundle(config: Config, capture: UpstreamCapture) {
  return {
    generatedAt: new Date().toISOString(),
    version: VERSION,
    capture: {
      enabled: config.diagnostics.capture_enabled,
      size: config.diagnostics.capture_size,
      bodyBytes: config.diagnostics.capture_body_bytes,
    },
    upstream: {
      host: new URL(config.upstream.base_url).host,
      chatTransport: config.upstream.chat_transport,
      uploadProtocol: config.upstream.upload_protocol,
      statsigMode: config.upstream.statsig_mode,
      proxy: Boolean(config.proxy.base_proxy_url),
      userAgent: config.proxy.user_agent,
    },
    exchanges: capture.list(),
  };
}
