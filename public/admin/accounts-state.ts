import type { AccountsPage, JobView } from './api-types';

/** What the accounts page shows: the query, the page it answered, the selection and the last job. */

export interface AccountsQuery {
  offset: number;
  limit: number;
  sort: string;
  order: 'asc' | 'desc';
  status: string;
  nsfw: string;
  pool: string;
  search: string;
}

export const accounts = {
  query: {
    offset: 0,
    limit: 50,
    sort: 'created',
    order: 'desc',
    status: '',
    nsfw: '',
    pool: '',
    search: '',
  } as AccountsQuery,
  page: null as AccountsPage | null,
  /** Ids picked by hand, or allMatching: the whole filter. */
  selection: new Set<string>(),
  allMatching: false,
  lastJob: null as JobView | null,
};

export function queryString(): string {
  const parameters = new URLSearchParams();
  for (const [key, value] of Object.entries(accounts.query))
    if (value !== '' && value !== null) parameters.set(key, String(value));
  return parameters.toString();
}

/** The filter alone (no paging or sort), as batch jobs and export take it. */
export function filterOnly(): Record<string, string | boolean> {
  const query = accounts.query;
  const filter: Record<string, string | boolean> = {};
  if (query.status) filter.status = query.status;
  if (query.pool) filter.pool = query.pool;
  if (query.nsfw) filter.nsfw = query.nsfw === 'true';
  if (query.search) filter.search = query.search;
  return filter;
}

/** What a batch job or an export applies to: the picked ids, or everything the filter matches. */
export const target = () => (accounts.allMatching ? { filter: filterOnly() } : { ids: [...accounts.selection] });

/** A job that is still working: no second one starts meanwhile. */
export const jobRunning = () =>
  Boolean(accounts.lastJob && accounts.lastJob.status === 'running' && !accounts.lastJob.stalled);
