import type { CodedWarning } from '../../config/coded-warning';
import type { Config } from '../../config/schema';
import { cloudflareCookies } from './cloudflare-cookies';

/**
 * Upstream settings that work but do not look like today's web app, said once at start-up, in
 * /ready and /v1/admin/status, and in the console's status banner. Never a value, only names.
 */

export interface UpstreamWarning extends CodedWarning {
  code: 'statsig_legacy' | 'cf_cookies_dropped';
}

export function upstreamWarnings(config: Config): UpstreamWarning[] {
  const warnings: UpstreamWarning[] = [];
  if (config.upstream.statsig_mode === 'legacy') {
    warnings.push({
      code: 'statsig_legacy',
      params: {},
      message:
        'REST calls run on legacy x-statsig-id values (upstream.statsig_mode = "legacy"): the current web app sends ' +
        '70-byte signed values, which grok.com may require. Affected: quota sync, image edit, video, ' +
        'account settings ' +
        'and REST chat; chat over the gateway WebSocket needs none. Set statsig_mode = "signer" with your own ' +
        'signer (README, "Running against grok.com") or "manual".',
    });
  }
  const dropped = cloudflareCookies(config.proxy.cf_cookies).dropped;
  if (config.proxy.raw_cookie.trim() === '' && dropped.length > 0) {
    const cookies = [...new Set(dropped)].join(', ');
    warnings.push({
      code: 'cf_cookies_dropped',
      params: { cookies },
      message: `proxy.cf_cookies: dropped cookies that are not Cloudflare's: ${cookies}`,
    });
  }
  return warnings;
}
