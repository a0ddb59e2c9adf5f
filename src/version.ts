/** Replaced at build time by `bun build --define`; falls back to the package version in development. */
declare const GROK2API_VERSION: string | undefined;
declare const GROK2API_COMMIT: string | undefined;

export const VERSION: string = typeof GROK2API_VERSION === 'string' ? GROK2API_VERSION : '0.1.0-dev';
export const COMMIT: string = typeof GROK2API_COMMIT === 'string' ? GROK2API_COMMIT : 'unknown';
