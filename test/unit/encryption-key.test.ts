import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../core/config.js';
import { createKeyring, keyIdOf } from '../../core/crypto.js';
import { KEY_FILE_NAME, generateKey, keyFilePath, loadKeyring } from '../../core/encryption-key.js';
import { HeraldError } from '../../core/errors.js';
import { createLogger, type Logger } from '../../core/logger.js';

type KeyConfig = Pick<Config, 'encryption' | 'env' | 'dataDir'>;

interface LogLine {
  readonly level: string;
  readonly msg: string;
  readonly [field: string]: unknown;
}

function memoryLogger(): { logger: Logger; lines: LogLine[]; raw: string[] } {
  const raw: string[] = [];
  const logger = createLogger(
    { level: 'trace', format: 'json' },
    { write: (line: string) => void raw.push(line) },
  );
  return {
    logger,
    raw,
    get lines() {
      return raw.map((line) => JSON.parse(line) as LogLine);
    },
  };
}

const envKey = Buffer.alloc(32, 0x5e);
const previousKey = Buffer.alloc(32, 0x9f);

describe('core/encryption-key loadKeyring', () => {
  let root: string;
  let dataDir: string;

  const config = (overrides: Partial<KeyConfig> = {}): KeyConfig => ({
    env: 'development',
    dataDir,
    encryption: { key: undefined, previousKeys: [] },
    ...overrides,
  });

  async function rejection(promise: Promise<unknown>): Promise<HeraldError> {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HeraldError);
    return err as HeraldError;
  }

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'herald-key-'));
    dataDir = join(root, 'data', 'nested');
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('GIVEN no key and no key file THEN generates one into the data folder with mode 0600 and reuses it on the next load', async () => {
    const log = memoryLogger();
    const first = await loadKeyring(config(), log.logger);

    const path = join(dataDir, KEY_FILE_NAME);
    expect(keyFilePath(dataDir)).toBe(path);
    const content = await readFile(path, 'utf8');
    expect(content).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
    expect(first.currentKeyId).toBe(keyIdOf(Buffer.from(content.trim(), 'base64')));
    if (process.platform !== 'win32') expect((await stat(path)).mode & 0o777).toBe(0o600);

    const second = await loadKeyring(config(), log.logger);
    expect(second.currentKeyId).toBe(first.currentKeyId);
    expect(second.decrypt(first.encrypt('still readable'))).toBe('still readable');
    expect(await readFile(path, 'utf8')).toBe(content);
  });

  it('GIVEN a key is generated THEN warns exactly once, with the file path in a field and never the key', async () => {
    const log = memoryLogger();
    await loadKeyring(config(), log.logger);
    await loadKeyring(config(), log.logger);
    await loadKeyring(config(), log.logger);

    const warnings = log.lines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ keyFile: keyFilePath(dataDir) });
    expect(warnings[0]?.msg).toMatch(/HERALD_ENCRYPTION_KEY/);
    expect(warnings[0]?.msg).not.toContain(dataDir);
    const key = (await readFile(keyFilePath(dataDir), 'utf8')).trim();
    expect(log.raw.join('')).not.toContain(key);
  });

  it('GIVEN several loads racing on an empty data folder THEN they all end up with one key and one warning', async () => {
    const log = memoryLogger();
    const keyrings = await Promise.all(Array.from({ length: 8 }, () => loadKeyring(config(), log.logger)));
    const ids = new Set(keyrings.map((keyring) => keyring.currentKeyId));
    expect(ids.size).toBe(1);
    const onDisk = Buffer.from((await readFile(keyFilePath(dataDir), 'utf8')).trim(), 'base64');
    expect([...ids]).toEqual([keyIdOf(onDisk)]);
    expect(log.lines.filter((line) => line.level === 'warn')).toHaveLength(1);
  });

  it('GIVEN HERALD_ENCRYPTION_KEY and a key file THEN the configured key wins and the file is left alone', async () => {
    const log = memoryLogger();
    await loadKeyring(config(), log.logger);
    const fileContent = await readFile(keyFilePath(dataDir), 'utf8');

    const keyring = await loadKeyring(config({ encryption: { key: envKey, previousKeys: [] } }), log.logger);
    expect(keyring.currentKeyId).toBe(keyIdOf(envKey));
    expect(await readFile(keyFilePath(dataDir), 'utf8')).toBe(fileContent);
  });

  it('GIVEN HERALD_ENCRYPTION_KEY and no key file THEN creates no file and logs nothing', async () => {
    const log = memoryLogger();
    const keyring = await loadKeyring(config({ encryption: { key: envKey, previousKeys: [] } }), log.logger);
    expect(keyring.currentKeyId).toBe(keyIdOf(envKey));
    await expect(stat(keyFilePath(dataDir))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(log.raw).toEqual([]);
  });

  it('GIVEN previous keys THEN the keyring decrypts values sealed with them', async () => {
    const old = createKeyring(previousKey).encrypt('old token');
    const keyring = await loadKeyring(
      config({ encryption: { key: envKey, previousKeys: [previousKey] } }),
      memoryLogger().logger,
    );
    expect(keyring.decrypt(old)).toBe('old token');
    expect(keyring.needsReencryption(old)).toBe(true);
  });

  it.each([
    ['not base64 at all', 'this is not a key\n'],
    ['16 bytes', `${Buffer.alloc(16, 1).toString('base64')}\n`],
    ['33 bytes', `${Buffer.alloc(33, 1).toString('base64')}\n`],
    ['empty', ''],
    ['two keys', `${generateKey()}\n${generateKey()}\n`],
  ])(
    'GIVEN a key file that is %s THEN fails with key-file-corrupt naming the file and leaves it untouched',
    async (_name, content) => {
      const log = memoryLogger();
      await loadKeyring(config(), log.logger);
      const path = keyFilePath(dataDir);
      await writeFile(path, content, { mode: 0o600 });

      const err = await rejection(loadKeyring(config(), log.logger));
      expect(err.code).toBe('key-file-corrupt');
      expect(err.message).toContain(path);
      expect(err.message.split('\n')).toHaveLength(1);
      expect(err.hint).toMatch(/backup/);
      expect(err.hint).toMatch(/unreadable/);
      expect(await readFile(path, 'utf8')).toBe(content);
    },
  );

  it('GIVEN a key file with surrounding whitespace THEN accepts it', async () => {
    const key = generateKey();
    await loadKeyring(config(), memoryLogger().logger);
    await writeFile(keyFilePath(dataDir), `  ${key}\r\n\n`);
    const keyring = await loadKeyring(config(), memoryLogger().logger);
    expect(keyring.currentKeyId).toBe(keyIdOf(Buffer.from(key, 'base64')));
  });

  it('GIVEN NODE_ENV=production without HERALD_ENCRYPTION_KEY THEN refuses with key-missing and writes no file', async () => {
    const log = memoryLogger();
    const err = await rejection(loadKeyring(config({ env: 'production' }), log.logger));
    expect(err.code).toBe('key-missing');
    expect(err.message).toContain('HERALD_ENCRYPTION_KEY');
    await expect(stat(keyFilePath(dataDir))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('GIVEN NODE_ENV=production and a leftover key file but no HERALD_ENCRYPTION_KEY THEN still refuses', async () => {
    await loadKeyring(config(), memoryLogger().logger);
    const err = await rejection(loadKeyring(config({ env: 'production' }), memoryLogger().logger));
    expect(err.code).toBe('key-missing');
  });

  it('GIVEN NODE_ENV=production with HERALD_ENCRYPTION_KEY THEN uses it', async () => {
    const keyring = await loadKeyring(
      config({ env: 'production', encryption: { key: envKey, previousKeys: [] } }),
      memoryLogger().logger,
    );
    expect(keyring.currentKeyId).toBe(keyIdOf(envKey));
  });
});

describe('core/encryption-key generateKey', () => {
  it('GIVEN two calls THEN returns different base64 keys of 32 bytes that the configuration accepts', () => {
    const first = generateKey();
    const second = generateKey();
    expect(first).not.toBe(second);
    expect(Buffer.from(first, 'base64')).toHaveLength(32);
    const config = loadConfig(
      { HERALD_ENCRYPTION_KEY: first, HERALD_ENCRYPTION_PREVIOUS_KEYS: second },
      tmpdir(),
    );
    expect(config.encryption.key?.toString('base64')).toBe(first);
    expect(config.encryption.previousKeys.map((key) => key.toString('base64'))).toEqual([second]);
  });
});
