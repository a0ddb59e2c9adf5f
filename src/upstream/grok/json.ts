/** JSON.parse for upstream bodies: a malformed body is a value to check, not an exception. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
