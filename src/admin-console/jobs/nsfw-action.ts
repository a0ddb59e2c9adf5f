import type { EnableNsfwOutcome } from '../../upstream/grok/account-settings/enable-nsfw';
import type { AccountPool } from '../../pool/account-pool';
import { NSFW_TAG, isNsfw, type AccountStore } from '../../storage/types';

/**
 * The "enable NSFW" batch action for one account: the upstream calls (§14.8–14.9), then the
 * `nsfw` tag on success. An age refusal is reported for the account and leaves it untagged; the
 * gateway never sets a birth date to get past it.
 */

export type EnableNsfwFunction = (token: string) => Promise<EnableNsfwOutcome>;

export const AGE_VERIFICATION_REASON = 'age verification required: verify the account holder’s age on grok.com';

/** Null on success, else why it failed. */
export async function enableNsfwForAccount(
  token: string,
  deps: { accounts: AccountStore; pool: AccountPool; enableNsfw: EnableNsfwFunction },
): Promise<string | null> {
  const account = await deps.accounts.get(token);
  if (!account) return 'account not found';
  const outcome = await deps.enableNsfw(token);
  if (outcome.kind === 'age_verification_required')
    return outcome.message ? `${AGE_VERIFICATION_REASON} (upstream: ${outcome.message})` : AGE_VERIFICATION_REASON;
  if (!isNsfw(account)) await deps.pool.update(token, { tags: [...account.tags, NSFW_TAG] });
  return null;
}
