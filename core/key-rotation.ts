/**
 * `herald keys rotate`: re-encrypt every stored secret (core/secret-columns.ts) under the current key,
 * in one transaction. Rows are locked while they are read, so a token refreshed meanwhile is not
 * overwritten with its old value. If any value cannot be decrypted nothing changes at all.
 */
import pg from 'pg';
import { storedKeyId, type Keyring } from './crypto.js';
import { CryptoError, HeraldError } from './errors.js';
import { withTransaction, type Pool, type PoolClient } from './db/pool.js';
import type { Logger } from './logger.js';
import { SECRET_COLUMNS, type SecretColumn } from './secret-columns.js';

export interface RotationCounts {
  /** Values that were sealed with an older key and are now sealed with the current one. */
  readonly reencrypted: number;
  /** Values that were already sealed with the current key. */
  readonly alreadyCurrent: number;
}

/** Counts per secret column, keyed `table.column`, in the order of SECRET_COLUMNS. */
export type RotationReport = Readonly<Record<string, RotationCounts>>;

interface ColumnFailures {
  readonly name: string;
  readonly unknownKeyIds: Set<string>;
  unknownKey: number;
  undecryptable: number;
}

interface PendingUpdate {
  readonly column: SecretColumn;
  readonly key: readonly unknown[];
  readonly value: string;
}

const { escapeIdentifier } = pg;

export function columnName(column: SecretColumn): string {
  return `${column.table}.${column.column}`;
}

/** A row's key for log lines: ids as text, bytea keys (oauth state hashes) as hex. */
function describeKey(column: SecretColumn, values: readonly unknown[]): Record<string, string> {
  return Object.fromEntries(
    column.key.map((name, i) => {
      const value = values[i];
      return [name, Buffer.isBuffer(value) ? value.toString('hex') : String(value)];
    }),
  );
}

/**
 * Re-encrypt every stored secret that is not sealed with `keyring`'s current key.
 * @throws HeraldError 'secret-unknown-key' or 'secret-undecryptable' (after rolling everything
 *   back) when some value cannot be decrypted with any key of the keyring.
 */
export async function rotateSecrets(pool: Pool, keyring: Keyring, logger: Logger): Promise<RotationReport> {
  const report = await withTransaction(pool, async (client) => {
    const counts: Record<string, { reencrypted: number; alreadyCurrent: number }> = {};
    const failures: ColumnFailures[] = [];
    const updates: PendingUpdate[] = [];

    for (const column of SECRET_COLUMNS) {
      const name = columnName(column);
      const columnCounts = { reencrypted: 0, alreadyCurrent: 0 };
      counts[name] = columnCounts;
      const failed: ColumnFailures = { name, unknownKeyIds: new Set(), unknownKey: 0, undecryptable: 0 };

      for (const row of await lockedValues(client, column)) {
        // Every value is decrypted, current ones too: a tampered value must fail the rotation.
        let plaintext: string;
        try {
          plaintext = keyring.decrypt(row.value);
        } catch (err) {
          record(err, row.value, failed);
          logger.warn(
            { column: name, row: describeKey(column, row.key) },
            'stored secret cannot be decrypted',
          );
          continue;
        }
        if (keyring.needsReencryption(row.value)) {
          updates.push({ column, key: row.key, value: keyring.encrypt(plaintext) });
          columnCounts.reencrypted += 1;
        } else {
          columnCounts.alreadyCurrent += 1;
        }
      }
      if (failed.unknownKey + failed.undecryptable > 0) failures.push(failed);
    }

    if (failures.length > 0) throw rotationFailed(failures);
    for (const update of updates) await writeValue(client, update);
    return counts;
  });

  for (const [column, counts] of Object.entries(report)) {
    logger.info({ column, ...counts }, 'stored secrets rotated to the current key');
  }
  return report;
}

/** The non-null values of one secret column with their row keys, locked until the transaction ends. */
async function lockedValues(
  client: PoolClient,
  column: SecretColumn,
): Promise<Array<{ key: unknown[]; value: string }>> {
  const keys = column.key.map(escapeIdentifier);
  const secret = escapeIdentifier(column.column);
  const sql =
    `SELECT ${keys.join(', ')}, ${secret} FROM ${escapeIdentifier(column.table)} ` +
    `WHERE ${secret} IS NOT NULL ORDER BY ${keys.join(', ')} FOR UPDATE`;
  const result = await client.query({ text: sql, rowMode: 'array' });
  return (result.rows as unknown[][]).map((row) => ({
    key: row.slice(0, column.key.length),
    value: String(row[column.key.length]),
  }));
}

async function writeValue(client: PoolClient, update: PendingUpdate): Promise<void> {
  const { column } = update;
  const where = column.key.map((name, i) => `${escapeIdentifier(name)} = $${i + 2}`).join(' AND ');
  const sql = `UPDATE ${escapeIdentifier(column.table)} SET ${escapeIdentifier(column.column)} = $1 WHERE ${where}`;
  const result = await client.query(sql, [update.value, ...update.key]);
  if (result.rowCount !== 1) {
    throw new HeraldError(
      'internal',
      `Key rotation expected to update one row of ${columnName(column)}, not ${result.rowCount}.`,
    );
  }
}

function record(err: unknown, value: string, failed: ColumnFailures): void {
  if (!(err instanceof CryptoError)) throw err;
  if (err.code === 'secret-unknown-key') {
    failed.unknownKey += 1;
    failed.unknownKeyIds.add(storedKeyId(value) ?? '?');
  } else {
    failed.undecryptable += 1;
  }
}

function rotationFailed(failures: readonly ColumnFailures[]): HeraldError {
  const total = failures.reduce((sum, f) => sum + f.unknownKey + f.undecryptable, 0);
  const details = failures.map((f) => {
    const parts: string[] = [];
    if (f.unknownKey > 0)
      parts.push(`${f.unknownKey} sealed with unknown key ${[...f.unknownKeyIds].join(', ')}`);
    if (f.undecryptable > 0) parts.push(`${f.undecryptable} altered or corrupt`);
    return `${f.name}: ${parts.join(', ')}`;
  });
  const onlyUnknownKeys = failures.every((f) => f.undecryptable === 0);
  return new HeraldError(
    onlyUnknownKeys ? 'secret-unknown-key' : 'secret-undecryptable',
    `Key rotation changed nothing: ${total} stored ${total === 1 ? 'secret' : 'secrets'} cannot be decrypted (${details.join('; ')}).`,
    {
      hint: onlyUnknownKeys
        ? 'Add the missing keys to HERALD_ENCRYPTION_PREVIOUS_KEYS and run `herald keys rotate` again.'
        : 'The log names each row; restore those values from a backup or clear them (and reconnect the accounts), then run `herald keys rotate` again.',
    },
  );
}
