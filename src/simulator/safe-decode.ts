/** decodeURIComponent that answers undefined instead of throwing on a malformed escape. */
export function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
