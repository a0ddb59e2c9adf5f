/** Config keys whose values are secrets: masked when read, unless the caller asks to reveal them. */
export const SECRET_KEYS: Record<string, string[]> = {
  app: ['app_key', 'api_key', 'function_key'],
  proxy: ['raw_cookie', 'sso_rw', 'cf_cookies', 'cf_clearance', 'base_proxy_url', 'asset_proxy_url'],
  upstream: ['statsig_value'],
  metrics: ['token'],
};
