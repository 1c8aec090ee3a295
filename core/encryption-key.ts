/**
 * Where Herald's encryption key comes from: HERALD_ENCRYPTION_KEY when set; otherwise, outside
 * production, a key file in the data folder that Herald generates on first start (mode 0600) and
 * warns about once. In production a missing key stops the start.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, copyFile, link, mkdir, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from './config.js';
import { KEY_BYTES, createKeyring, keyIdOf, type Keyring } from './crypto.js';
import { HeraldError } from './errors.js';
import type { Logger } from './logger.js';

export const KEY_FILE_NAME = 'encryption.key';

/** Exactly 32 bytes in standard base64: 43 characters and one `=`. */
const KEY_FILE_CONTENT = /^[A-Za-z0-9+/]{43}=$/;

const GENERATED_KEY_WARNING =
  'generated an encryption key into the data folder: back up this file, or set HERALD_ENCRYPTION_KEY to its content';

/** A new random key, base64 (what `herald keys generate` prints). */
export function generateKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

export function keyFilePath(dataDir: string): string {
  return join(dataDir, KEY_FILE_NAME);
}

/**
 * The keyring Herald runs with: the configured key (or the data folder's key file outside
 * production) as the current key, HERALD_ENCRYPTION_PREVIOUS_KEYS as the previous ones.
 * @throws HeraldError 'key-missing' in production without HERALD_ENCRYPTION_KEY, 'key-file-corrupt'
 *   when the key file is not one base64 line of 32 bytes, 'data-dir-not-writable' when the key
 *   file cannot be created.
 */
export async function loadKeyring(
  config: Pick<Config, 'encryption' | 'env' | 'dataDir'>,
  logger: Logger,
): Promise<Keyring> {
  const current = config.encryption.key ?? (await keyFromFile(config, logger));
  return createKeyring(current, config.encryption.previousKeys);
}

async function keyFromFile(config: Pick<Config, 'env' | 'dataDir'>, logger: Logger): Promise<Buffer> {
  if (config.env === 'production') {
    throw new HeraldError(
      'key-missing',
      'HERALD_ENCRYPTION_KEY is not set, and Herald needs it when NODE_ENV=production.',
      {
        hint: 'Generate a key with `npx herald keys generate`, store it safely and set HERALD_ENCRYPTION_KEY to it.',
      },
    );
  }
  const path = keyFilePath(config.dataDir);
  const existing = await readKeyFile(path);
  if (existing !== undefined) return existing;
  return createKeyFile(config.dataDir, path, logger);
}

/** The key in `path`, or undefined when there is no such file. */
async function readKeyFile(path: string): Promise<Buffer | undefined> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new HeraldError(
      'key-file-corrupt',
      `The encryption key file ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'unknown error'}).`,
      {
        cause: err,
        hint: 'Give the user running Herald read access to it (it should be a file with mode 0600); do not delete it, or the secrets stored with it become unreadable.',
      },
    );
  }
  const line = content.trim();
  if (!KEY_FILE_CONTENT.test(line)) {
    throw new HeraldError(
      'key-file-corrupt',
      `The encryption key file ${path} is corrupt: it must hold one line with a 32-byte key in base64.`,
      {
        hint: 'Restore it from a backup (or set HERALD_ENCRYPTION_KEY to the key); deleting it makes a new key, and every secret stored so far becomes unreadable.',
      },
    );
  }
  return Buffer.from(line, 'base64');
}

/**
 * Generate the key file without ever exposing a half-written one: write a private temp file, then
 * hard-link it into place, which fails when the file exists. When another Herald process won the
 * race, its key is read and used instead.
 */
async function createKeyFile(dataDir: string, path: string, logger: Logger): Promise<Buffer> {
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw notWritable(dataDir, err);
  }
  const key = randomBytes(KEY_BYTES);
  const temp = join(dataDir, `.${KEY_FILE_NAME}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let won: boolean;
  try {
    const file = await open(temp, 'wx', 0o600);
    try {
      await file.writeFile(`${key.toString('base64')}\n`, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await chmod(temp, 0o600);
    won = await linkIfAbsent(temp, path);
  } catch (err) {
    throw notWritable(dataDir, err);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  if (!won) {
    const theirs = await readKeyFile(path);
    if (theirs === undefined)
      throw notWritable(dataDir, new Error(`${path} vanished while Herald was creating it`));
    return theirs;
  }
  logger.warn({ keyFile: path, keyId: keyIdOf(key) }, GENERATED_KEY_WARNING);
  return key;
}

/** Error codes of file systems without hard links. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/**
 * Put `from` in place at `to` unless `to` exists (false then): a hard link, or on file systems
 * without them an exclusive copy.
 */
async function linkIfAbsent(from: string, to: string): Promise<boolean> {
  try {
    try {
      await link(from, to);
    } catch (err) {
      if (!NO_HARD_LINKS.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
      await copyFile(from, to, constants.COPYFILE_EXCL);
      await chmod(to, 0o600);
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

function notWritable(dataDir: string, cause: unknown): HeraldError {
  const reason = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
  return new HeraldError(
    'data-dir-not-writable',
    `Herald cannot create its encryption key file in ${dataDir} (${reason}).`,
    {
      cause,
      hint: 'Make the folder writable by the user running Herald, point HERALD_DATA_DIR elsewhere, or set HERALD_ENCRYPTION_KEY.',
    },
  );
}
