/** Replaced at build time by `bun build --define`; falls back to development values. */
declare const GROK2API_VERSION: string | undefined;
declare const GROK2API_COMMIT: string | undefined;
declare const GROK2API_BUILD_DATE: string | undefined;

export const VERSION: string = typeof GROK2API_VERSION === 'string' ? GROK2API_VERSION : '0.1.0-dev';
export const COMMIT: string = typeof GROK2API_COMMIT === 'string' ? GROK2API_COMMIT : 'unknown';
/** ISO time of the build; `unknown` when running from source. */
export const BUILD_DATE: string = typeof GROK2API_BUILD_DATE === 'string' ? GROK2API_BUILD_DATE : 'unknown';

/** What `grok2api --version` prints: the version first, so scripts can take the first word after the name. */
export function versionLine(): string {
  return `grok2api ${VERSION} (commit ${COMMIT}, built ${BUILD_DATE}, bun ${Bun.version})`;
}
