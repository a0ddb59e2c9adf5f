/**
 * Plain-object helpers for config trees (TOML tables, patches). Arrays are values, not trees:
 * a patch that sets an array replaces it whole, as an operator expects from a form field.
 */

/** Every key optional at every depth; arrays are replaced whole, so they stay as they are. */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

export type PlainObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is PlainObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** A new tree: `patch` over `base`. `undefined` in the patch means "leave as is". */
export function deepMerge(base: PlainObject, patch: PlainObject): PlainObject {
  const merged: PlainObject = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const current = merged[key];
    merged[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : structuredClone(value);
  }
  return merged;
}

/** Freezes a tree in place so no consumer can mutate the shared config by accident. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as object)) deepFreeze(child);
  }
  return value;
}

/** `section.key` for messages. */
export const keyPath = (...parts: (string | number)[]) => parts.join('.');
