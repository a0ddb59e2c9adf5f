import { accountId } from '../../admin/transfer/transfer-routes';
import type { AccountStore } from '../../storage/types';
import { forEachYielding } from '../../storage/yield-to-requests';
import { YIELD_EVERY, type LocalAccounts } from './account-query';

/**
 * The console names accounts by `id` (a hash of the token, as the masked listing does) so full
 * tokens never travel to the browser. Every id the console was shown is remembered with its token,
 * so turning a row's id back into a token is one map lookup and one `get`; an id not seen yet (or
 * a token gone since) falls back to hashing the stored tokens.
 */
export class AccountIds {
  private readonly tokensById = new Map<string, string>();

  idOf(token: string): string {
    const id = accountId(token);
    this.tokensById.set(id, token);
    if (this.tokensById.size > 500_000) this.tokensById.clear(); // bounded; refilled on demand
    return id;
  }

  /**
   * Tokens of the given ids that exist; unknown ids are left out. With `local` (this instance's
   * pool index) nothing is read from the store: known ids are checked in memory and unknown ones
   * found by hashing the tokens held there.
   */
  async resolve(store: AccountStore, ids: readonly string[], local?: LocalAccounts): Promise<string[]> {
    const tokens: string[] = [];
    const missing = new Set<string>();
    for (const id of ids) {
      const token = this.tokensById.get(id);
      const exists =
        token !== undefined &&
        (local ? local.get(token) !== undefined : ids.length <= 100 && (await store.get(token)) !== null);
      if (exists) tokens.push(token);
      else missing.add(id);
    }
    if (missing.size === 0) return tokens;
    // Hashing 100k tokens takes a while: other requests are served in between.
    await forEachYielding(local ? local.all() : await store.list(), YIELD_EVERY, (account) => {
      if (missing.has(this.idOf(account.token))) tokens.push(account.token);
    });
    return tokens;
  }
}
