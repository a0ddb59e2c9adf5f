import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from 'node:crypto';

/**
 * Encryption at rest of account tokens with the operator's GROK2API_SECRET_KEY: AES-256-GCM.
 *
 * The nonce is synthetic — HMAC-SHA256 of the token under a second derived key, cut to 12 bytes —
 * so the same token always encrypts to the same text. Every driver addresses accounts by token
 * (primary keys, Redis keys, slot rows), and a deterministic ciphertext keeps those lookups exact
 * without a plaintext index. What this reveals is only that two rows hold the same token, which
 * the primary key forbids anyway. GCM's tag makes a wrong key or an altered row fail loudly.
 */

export const ENCRYPTED_PREFIX = 'enc:v1:';

const MINIMUM_SECRET_LENGTH = 16;

export class SecretKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretKeyError';
  }
}

export interface TokenCipher {
  encrypt(token: string): string;
  /** Throws SecretKeyError when the text was not made with this key (or was altered). */
  decrypt(stored: string): string;
}

export const isEncrypted = (stored: string) => stored.startsWith(ENCRYPTED_PREFIX);

export function createTokenCipher(secret: string): TokenCipher {
  if (secret.length < MINIMUM_SECRET_LENGTH) {
    throw new SecretKeyError(
      `GROK2API_SECRET_KEY must be at least ${MINIMUM_SECRET_LENGTH} characters (e.g. the output of \`openssl rand -base64 32\`).`,
    );
  }
  const derive = (purpose: string) => Buffer.from(hkdfSync('sha256', secret, 'grok2api-token-encryption', purpose, 32));
  const encryptionKey = derive('aes-256-gcm key');
  const nonceKey = derive('synthetic nonce key');
  return {
    encrypt(token) {
      const plain = Buffer.from(token, 'utf8');
      const nonce = createHmac('sha256', nonceKey).update(plain).digest().subarray(0, 12);
      const cipher = createCipheriv('aes-256-gcm', encryptionKey, nonce);
      const sealed = Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return ENCRYPTED_PREFIX + sealed.toString('base64url');
    },
    decrypt(stored) {
      if (!isEncrypted(stored))
        throw new SecretKeyError('A stored account token is not encrypted where an encrypted one was expected.');
      const sealed = Buffer.from(stored.slice(ENCRYPTED_PREFIX.length), 'base64url');
      if (sealed.length < 28) throw new SecretKeyError('A stored account token is damaged (too short to be ours).');
      try {
        const decipher = createDecipheriv('aes-256-gcm', encryptionKey, sealed.subarray(0, 12));
        decipher.setAuthTag(sealed.subarray(sealed.length - 16));
        return Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]).toString(
          'utf8',
        );
      } catch {
        throw new SecretKeyError(
          'A stored account token cannot be decrypted: GROK2API_SECRET_KEY is not the key it was encrypted with, or the row was altered.',
        );
      }
    },
  };
}
