/**
 * Sticky affinity keys → the account that served the key last, least recently used dropped first
 * once `limit` keys are held: bounded memory whatever the traffic, O(1) per call (a Map keeps
 * insertion order, and re-inserting moves a key to the newest end).
 */
export class AffinityMap {
  private readonly tokens = new Map<string, string>();

  constructor(private readonly limit = 50_000) {}

  get(key: string): string | undefined {
    return this.tokens.get(key);
  }

  remember(key: string, token: string): void {
    this.tokens.delete(key);
    this.tokens.set(key, token);
    if (this.tokens.size > this.limit) this.tokens.delete(this.tokens.keys().next().value!);
  }
}
