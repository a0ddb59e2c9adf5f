import { accountId } from '../../admin/transfer/transfer-routes';
import type { AccountStore } from '../../storage/types';

/**
 * The console names accounts by `id` (a hash of the token, as the masked listing does) so full
 * tokens never travel to the browser. Turning ids back into tokens hashes the stored tokens; the
 * hashes are remembered, so only new tokens cost anything after the first call.
 */
export class AccountIds {
  private readonly hashes = new Map<string, string>();

  idOf(token: string): string {
    let id = this.hashes.get(token);
    if (id === undefined) {
      id = accountId(token);
      this.hashes.set(token, id);
    }
    return id;
  }

  /** Tokens of the given ids that exist; unknown ids are left out. */
  async resolve(store: AccountStore, ids: readonly string[]): Promise<string[]> {
    const wanted = new Set(ids);
    const tokens: string[] = [];
    const all = await store.list();
    if (this.hashes.size > all.length * 2) this.hashes.clear(); // deleted tokens do not pile up
    for (const account of all) if (wanted.has(this.idOf(account.token))) tokens.push(account.token);
    return tokens;
  }
}
