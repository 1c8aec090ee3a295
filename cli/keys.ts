/**
 * `herald keys generate` and `herald keys rotate`.
 */
import { loadConfig } from '../core/config.js';
import { openDatabase } from '../core/db/database.js';
import { migrate } from '../core/db/migrate.js';
import { generateKey, loadKeyring } from '../core/encryption-key.js';
import { rotateSecrets } from '../core/key-rotation.js';
import { createLogger } from '../core/logger.js';
import { table, writeOut } from './output.js';

export function generateKeyCommand(): void {
  writeOut(generateKey());
}

export async function rotateKeysCommand(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({
    level: config.log.level === 'info' ? 'warn' : config.log.level,
    format: config.log.format,
  });
  const database = await openDatabase(config, logger, { poolSize: 2 });
  try {
    await migrate(database.pool, logger);
    const keyring = await loadKeyring(config, logger);
    const report = await rotateSecrets(database.pool, keyring, logger);
    writeOut(`All stored secrets are now encrypted with key ${keyring.currentKeyId}.`);
    writeOut(
      table(
        ['secret', 're-encrypted', 'already current'],
        Object.entries(report).map(([column, counts]) => [
          column,
          String(counts.reencrypted),
          String(counts.alreadyCurrent),
        ]),
      ),
    );
    writeOut('You can now remove the old key from HERALD_ENCRYPTION_PREVIOUS_KEYS.');
  } finally {
    await database.close();
  }
}
