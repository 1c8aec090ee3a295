import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createKeyring, keyIdOf, storedKeyId } from '../../core/crypto.js';
import { CryptoError } from '../../core/errors.js';

const keyA = Buffer.alloc(32, 0xa1);
const keyB = Buffer.alloc(32, 0xb2);
const SECRET = 'xoxb-1234-very-secret-token';

/** Replace part `index` of a stored value (0 version, 1 key id, 2 iv, 3 tag, 4 ciphertext). */
function withPart(stored: string, index: number, replace: (part: string) => string): string {
  const parts = stored.split('.');
  parts[index] = replace(parts[index] ?? '');
  return parts.join('.');
}

/** Flip one bit of a base64url part, keeping its encoding valid so only authentication can catch it. */
function flipBit(part: string, byte = 0): string {
  const bytes = Buffer.from(part, 'base64url');
  bytes[byte] = (bytes[byte] ?? 0) ^ 0x01;
  return bytes.toString('base64url');
}

function decryptError(run: () => unknown): CryptoError {
  try {
    const result = run();
    throw new Error(`expected a CryptoError, got a value of length ${String(result).length}`);
  } catch (err) {
    expect(err).toBeInstanceOf(CryptoError);
    return err as CryptoError;
  }
}

describe('core/crypto keyring', () => {
  it.each([
    ['an ASCII token', SECRET],
    ['the empty string', ''],
    ['non-ASCII text', 'pässwörd 🔐 密码 — ok'],
    ['a long value', 'x'.repeat(10_000)],
  ])('GIVEN %s WHEN encrypted and decrypted THEN returns the same text', (_name, plaintext) => {
    const keyring = createKeyring(keyA);
    expect(keyring.decrypt(keyring.encrypt(plaintext))).toBe(plaintext);
  });

  it('GIVEN the same plaintext twice THEN the stored values differ (random IV)', () => {
    const keyring = createKeyring(keyA);
    const first = keyring.encrypt(SECRET);
    const second = keyring.encrypt(SECRET);
    expect(first).not.toBe(second);
    expect(first.split('.')[2]).not.toBe(second.split('.')[2]);
  });

  it('GIVEN a stored value THEN it is v1.<keyId>.<iv>.<tag>.<ciphertext> and never contains the plaintext', () => {
    const keyring = createKeyring(keyA);
    const stored = keyring.encrypt(SECRET);
    const [version, keyId, iv, tag, ciphertext] = stored.split('.');
    expect(version).toBe('v1');
    expect(keyId).toBe(keyIdOf(keyA));
    expect(keyId).toMatch(/^[0-9a-f]{8}$/);
    expect(Buffer.from(iv ?? '', 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag ?? '', 'base64url')).toHaveLength(16);
    expect(ciphertext).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(stored).not.toContain(SECRET);
    expect(stored).not.toContain(Buffer.from(SECRET).toString('base64url'));
    expect(storedKeyId(stored)).toBe(keyring.currentKeyId);
  });

  it('GIVEN a key THEN its id is the first 8 hex characters of its SHA-256 and differs between keys', () => {
    expect(createKeyring(keyA).currentKeyId).toBe(keyIdOf(keyA));
    expect(keyIdOf(keyA)).toBe(createHash('sha256').update(keyA).digest('hex').slice(0, 8));
    expect(keyIdOf(keyA)).not.toBe(keyIdOf(keyB));
  });

  describe('tampering', () => {
    const keyring = createKeyring(keyA, [keyB]);
    const stored = keyring.encrypt(SECRET);

    it.each([
      ['a bit of the IV', withPart(stored, 2, (p) => flipBit(p))],
      ['a bit of the auth tag', withPart(stored, 3, (p) => flipBit(p, 15))],
      ['a bit of the ciphertext', withPart(stored, 4, (p) => flipBit(p, 3))],
      ['the key id, relabelled to another known key', withPart(stored, 1, () => keyIdOf(keyB))],
      ['the version', withPart(stored, 0, () => 'v2')],
      ['a truncated ciphertext', withPart(stored, 4, (p) => p.slice(0, -4))],
      ['a truncated tag', withPart(stored, 3, (p) => p.slice(0, 8))],
      ['a missing part', stored.split('.').slice(0, 4).join('.')],
      ['an extra part', `${stored}.AAAA`],
      ['a non-base64url character', withPart(stored, 4, (p) => `${p.slice(0, -1)}+`)],
      ['a non-canonical base64url encoding', withPart(stored, 2, (p) => `${p}=`)],
      ['the empty string', ''],
      ['plain text', SECRET],
    ])('GIVEN %s THEN decrypt throws secret-undecryptable and never returns text', (_name, tampered) => {
      expect(tampered).not.toBe(stored);
      const err = decryptError(() => keyring.decrypt(tampered));
      expect(err.code).toBe('secret-undecryptable');
    });

    it('GIVEN a key id changed to one no key has THEN decrypt throws secret-unknown-key', () => {
      const err = decryptError(() => keyring.decrypt(withPart(stored, 1, () => 'deadbeef')));
      expect(err.code).toBe('secret-unknown-key');
    });

    it('GIVEN a value sealed without the header as AAD THEN decrypt refuses it', () => {
      // A value made by hand with the right key but no AAD: only the header binding rejects it.
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', keyA, iv);
      const ciphertext = Buffer.concat([cipher.update(SECRET, 'utf8'), cipher.final()]);
      const forged = ['v1', keyIdOf(keyA), iv, cipher.getAuthTag(), ciphertext]
        .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
        .join('.');
      expect(decryptError(() => keyring.decrypt(forged)).code).toBe('secret-undecryptable');
    });

    it('GIVEN any failure THEN the error names neither the plaintext nor a key', () => {
      const failures = [
        decryptError(() => keyring.decrypt(withPart(stored, 4, (p) => flipBit(p)))),
        decryptError(() => keyring.decrypt(withPart(stored, 1, () => 'deadbeef'))),
        decryptError(() => createKeyring(keyB).decrypt(stored)),
      ];
      for (const err of failures) {
        const text = `${err.message} ${err.hint ?? ''} ${err.stack ?? ''}`;
        expect(text).not.toContain(SECRET);
        for (const key of [keyA, keyB]) {
          expect(text).not.toContain(key.toString('base64'));
          expect(text).not.toContain(key.toString('hex'));
        }
      }
    });
  });

  it('GIVEN a value sealed with a key the keyring lacks THEN decrypt throws secret-unknown-key naming the key id and pointing at HERALD_ENCRYPTION_PREVIOUS_KEYS', () => {
    const stored = createKeyring(keyA).encrypt(SECRET);
    const err = decryptError(() => createKeyring(keyB).decrypt(stored));
    expect(err.code).toBe('secret-unknown-key');
    expect(err.message).toContain(keyIdOf(keyA));
    expect(err.hint).toContain('HERALD_ENCRYPTION_PREVIOUS_KEYS');
  });

  it('GIVEN a value whose header names key B but that was sealed with key A THEN decrypt fails instead of returning garbage', () => {
    const stored = createKeyring(keyA).encrypt(SECRET);
    const relabelled = withPart(stored, 1, () => keyIdOf(keyB));
    expect(decryptError(() => createKeyring(keyB).decrypt(relabelled)).code).toBe('secret-undecryptable');
  });

  it('GIVEN a value sealed with a previous key THEN decrypts it and says it needs re-encryption', () => {
    const old = createKeyring(keyA).encrypt(SECRET);
    const rotated = createKeyring(keyB, [keyA]);
    expect(rotated.decrypt(old)).toBe(SECRET);
    expect(rotated.needsReencryption(old)).toBe(true);
    const fresh = rotated.encrypt(SECRET);
    expect(storedKeyId(fresh)).toBe(keyIdOf(keyB));
    expect(rotated.needsReencryption(fresh)).toBe(false);
    expect(createKeyring(keyB).decrypt(fresh)).toBe(SECRET);
  });

  it('GIVEN a keyring THEN it encrypts with the current key even when it is also listed among the previous keys', () => {
    const keyring = createKeyring(keyB, [keyA, keyB]);
    expect(keyring.currentKeyId).toBe(keyIdOf(keyB));
    expect(keyring.keyIds).toEqual([keyIdOf(keyB), keyIdOf(keyA)]);
    expect(storedKeyId(keyring.encrypt(SECRET))).toBe(keyIdOf(keyB));
  });

  it('GIVEN a malformed value THEN needsReencryption says true without throwing', () => {
    const keyring = createKeyring(keyA);
    expect(keyring.needsReencryption('garbage')).toBe(true);
    expect(keyring.needsReencryption('')).toBe(true);
  });

  it('GIVEN a key that is not 32 bytes THEN createKeyring refuses it without echoing it', () => {
    const short = Buffer.alloc(16, 0x42);
    expect(() => createKeyring(short)).toThrow(/32 bytes/);
    expect(() => createKeyring(keyA, [short])).toThrow(/32 bytes/);
  });

  it('GIVEN a keyring THEN serialising it does not reveal a key', () => {
    const keyring = createKeyring(keyA, [keyB]);
    const dump = JSON.stringify(keyring);
    expect(dump).not.toContain(keyA.toString('base64'));
    expect(dump).not.toContain(keyB.toString('base64'));
  });
});
