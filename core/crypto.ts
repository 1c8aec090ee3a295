/**
 * Secrets at rest: AES-256-GCM with a random 96-bit IV per value (node:crypto only).
 *
 * Stored form (text, safe in any column): `v1.<keyId>.<iv>.<tag>.<ciphertext>`, the last three in
 * base64url without padding. The key id is the first 8 hex characters of sha256(key), so rotating keys
 * needs no extra configuration. The header `v1.<keyId>` is bound as additional authenticated data, so a
 * value cannot be relabelled to another version or key. Anything that does not authenticate throws a
 * CryptoError: a tampered value never decrypts to garbage. Keys and plaintext never appear in errors.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { CryptoError, HeraldError } from './errors.js';

/** AES-256 key length in bytes. */
export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';

const KEY_ID = /^[0-9a-f]{8}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

export interface Keyring {
  /** Id of the key every new value is encrypted with. */
  readonly currentKeyId: string;
  /** Ids of every key this keyring can decrypt with, the current one first. */
  readonly keyIds: readonly string[];
  /** Encrypt under the current key, with a fresh random IV. */
  encrypt(plaintext: string): string;
  /**
   * Decrypt a stored value with whichever known key sealed it.
   * @throws CryptoError 'secret-unknown-key' when no key of this keyring has the stored key id,
   *   'secret-undecryptable' when the value is malformed, truncated or altered.
   */
  decrypt(stored: string): string;
  /** True unless `stored` is a current-format value sealed with the current key. Never throws. */
  needsReencryption(stored: string): boolean;
}

/** The key id of `key`: the first 8 hex characters of its SHA-256. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/** The key id written in a stored value's header, or undefined when it has no recognisable header. */
export function storedKeyId(stored: string): string | undefined {
  const parts = stored.split('.');
  return parts.length === 5 && parts[0] === VERSION && KEY_ID.test(parts[1] ?? '') ? parts[1] : undefined;
}

interface Sealed {
  readonly keyId: string;
  readonly aad: Buffer;
  readonly iv: Buffer;
  readonly tag: Buffer;
  readonly ciphertext: Buffer;
}

function undecryptable(reason: string, keyId?: string, cause?: unknown): CryptoError {
  const sealedWith = keyId === undefined ? '' : ` (sealed with key ${keyId})`;
  return new CryptoError(
    'secret-undecryptable',
    `A stored secret cannot be decrypted${sealedWith}: ${reason}.`,
    {
      ...(cause === undefined ? {} : { cause }),
      hint: 'The value was altered, truncated or is not a Herald secret; restore it from a backup, or clear it and reconnect the account it belongs to.',
    },
  );
}

/** Decode base64url strictly: only the canonical encoding of exactly `length` bytes (any when undefined). */
function decodePart(part: string, length?: number): Buffer | undefined {
  if (!BASE64URL.test(part)) return undefined;
  const bytes = Buffer.from(part, 'base64url');
  if (bytes.toString('base64url') !== part) return undefined;
  if (length !== undefined && bytes.length !== length) return undefined;
  return bytes;
}

function parse(stored: string): Sealed {
  const parts = stored.split('.');
  if (parts.length !== 5) throw undecryptable('it is not in the format Herald writes');
  const [version, keyId, ivPart, tagPart, ciphertextPart] = parts as [string, string, string, string, string];
  if (version !== VERSION) throw undecryptable('its format version is not one this Herald understands');
  if (!KEY_ID.test(keyId)) throw undecryptable('its key id is malformed');
  const iv = decodePart(ivPart, IV_BYTES);
  const tag = decodePart(tagPart, TAG_BYTES);
  const ciphertext = decodePart(ciphertextPart);
  if (iv === undefined || tag === undefined || ciphertext === undefined) {
    throw undecryptable('it is truncated or malformed', keyId);
  }
  return { keyId, aad: header(keyId), iv, tag, ciphertext };
}

function header(keyId: string): Buffer {
  return Buffer.from(`${VERSION}.${keyId}`, 'utf8');
}

/**
 * A keyring that encrypts with `current` and decrypts with `current` or any of `previous`.
 * @throws HeraldError 'internal' when a key is not 32 bytes or two different keys share a key id.
 */
export function createKeyring(current: Buffer, previous: readonly Buffer[] = []): Keyring {
  const keys = new Map<string, Buffer>();
  for (const key of [current, ...previous]) {
    if (key.length !== KEY_BYTES) {
      throw new HeraldError('internal', `An encryption key must be ${KEY_BYTES} bytes (got ${key.length}).`, {
        hint: 'Generate one with `npx herald keys generate`.',
      });
    }
    const id = keyIdOf(key);
    const known = keys.get(id);
    if (known === undefined) keys.set(id, Buffer.from(key));
    else if (!known.equals(key)) {
      throw new HeraldError('internal', `Two different encryption keys share the key id ${id}.`, {
        hint: 'Generate a new key with `npx herald keys generate` and use it instead.',
      });
    }
  }
  const currentKeyId = keyIdOf(current);
  const currentKey = Buffer.from(current);
  const currentHeader = header(currentKeyId);
  const keyIds = Object.freeze([...keys.keys()]);

  return Object.freeze({
    currentKeyId,
    keyIds,

    encrypt(plaintext: string): string {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, currentKey, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(currentHeader);
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [
        VERSION,
        currentKeyId,
        iv.toString('base64url'),
        tag.toString('base64url'),
        ciphertext.toString('base64url'),
      ].join('.');
    },

    decrypt(stored: string): string {
      const sealed = parse(stored);
      const key = keys.get(sealed.keyId);
      if (key === undefined) {
        throw new CryptoError(
          'secret-unknown-key',
          `A stored secret was encrypted with key ${sealed.keyId}, which Herald does not have (it has ${keyIds.join(', ')}).`,
          {
            hint: `Add the key with id ${sealed.keyId} to HERALD_ENCRYPTION_PREVIOUS_KEYS (comma-separated, base64), then run \`herald keys rotate\`.`,
          },
        );
      }
      try {
        const decipher = createDecipheriv(ALGORITHM, key, sealed.iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(sealed.aad);
        decipher.setAuthTag(sealed.tag);
        return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
      } catch (cause) {
        throw undecryptable(
          'it does not authenticate (altered, or sealed with a different key)',
          sealed.keyId,
          cause,
        );
      }
    },

    needsReencryption(stored: string): boolean {
      return storedKeyId(stored) !== currentKeyId;
    },
  });
}
