/**
 * `SERVER_STORAGE_URL` in the forms the reference accepted (SQLAlchemy-style `postgresql+asyncpg://`,
 * `mysql+aiomysql://`, plain `mysql://`, `postgres://`, `redis://`, `rediss://`), parsed once into
 * plain parts each driver maps onto its own client options. Only the parts a driver needs are kept.
 */

export interface ConnectionParts {
  /** The scheme without a `+driver` suffix: `postgresql`, `mysql`, `redis`, … */
  scheme: string;
  host: string;
  port: number | null;
  user: string | null;
  password: string | null;
  /** Path without the leading slash: a database name (SQL) or a database number (Redis). */
  database: string | null;
  /** Query parameters, lower-cased names. */
  parameters: Map<string, string>;
}

export class StorageUrlError extends Error {}

export function parseConnectionUrl(text: string): ConnectionParts {
  const trimmed = text.trim();
  const match = /^([a-z][a-z0-9.-]*)(?:\+[a-z0-9_]+)?:\/\//i.exec(trimmed);
  if (!match) throw new StorageUrlError('SERVER_STORAGE_URL must look like scheme://user:password@host:port/database');
  const scheme = match[1]!.toLowerCase();
  let url: URL;
  try {
    // URL only parses the authority of "special" schemes reliably, so parse under a neutral one.
    url = new URL(`http://${trimmed.slice(match[0].length)}`);
  } catch {
    throw new StorageUrlError(`SERVER_STORAGE_URL is not a valid ${scheme} URL`); // never echo the URL: it holds a password
  }
  const parameters = new Map<string, string>();
  for (const [name, value] of url.searchParams) parameters.set(name.toLowerCase(), value);
  const path = decodeURIComponent(url.pathname.replace(/^\//, ''));
  return {
    scheme,
    host: url.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost',
    port: url.port ? Number(url.port) : null,
    user: url.username ? decodeURIComponent(url.username) : null,
    password: url.password ? decodeURIComponent(url.password) : null,
    database: path === '' ? null : path,
    parameters,
  };
}

export type TlsMode = 'disable' | 'prefer' | 'require' | 'verify-full';

/** `sslmode` (libpq), `ssl` (asyncpg/aiomysql style `ssl=true|require`) or `ssl-mode` (MySQL). */
export function tlsMode(parts: ConnectionParts): TlsMode {
  const given = (
    parts.parameters.get('sslmode') ??
    parts.parameters.get('ssl-mode') ??
    parts.parameters.get('ssl') ??
    ''
  ).toLowerCase();
  if (given === '' || given === 'disable' || given === 'disabled' || given === 'false' || given === '0')
    return 'disable';
  if (given === 'prefer' || given === 'preferred' || given === 'allow') return 'prefer';
  if (given === 'verify-full' || given === 'verify-ca' || given === 'verify_identity' || given === 'verify_ca')
    return 'verify-full';
  return 'require';
}
