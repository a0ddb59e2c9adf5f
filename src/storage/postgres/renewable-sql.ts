import type { Sql } from 'postgres';

/**
 * A postgres.js client that can be swapped for a fresh one while every holder keeps its reference:
 * the stores and the coordinator hold `sql`, which forwards each call to the current client.
 * `renew` replaces a client whose connections can no longer be trusted (see write-race-guard.ts).
 */
export function renewableSql(make: () => Sql): { sql: Sql; renew(): void } {
  let current = make();
  const forward = function (this: unknown, ...args: unknown[]) {
    return (current as unknown as (...values: unknown[]) => unknown)(...args);
  };
  const sql = new Proxy(forward, {
    apply: (_target, _this, args: unknown[]) => (current as unknown as (...values: unknown[]) => unknown)(...args),
    get: (_target, property) => {
      const value = (current as unknown as Record<PropertyKey, unknown>)[property];
      return typeof value === 'function' ? value.bind(current) : value;
    },
  }) as unknown as Sql;
  return {
    sql,
    renew() {
      const old = current;
      current = make();
      void old.end({ timeout: 0 }).catch(() => {});
    },
  };
}
