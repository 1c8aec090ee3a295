/**
 * `herald doctor`: what is ready and what is missing, as a table. Read-only: it neither migrates nor
 * generates a key. Exits non-zero when Herald could not start as configured.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chatPlatformStatus } from '../bot/chat-platforms.js';
import { loadConfig, type Config, type Environment } from '../core/config.js';
import { openDatabase } from '../core/db/database.js';
import { describeDatabase } from '../core/db/pool.js';
import { ConfigError } from '../core/errors.js';
import { checkHealth } from '../core/health.js';
import { createLogger } from '../core/logger.js';
import { keyFilePath } from '../core/encryption-key.js';
import { aggregatorReadiness, providerReadiness } from '../social/provider-readiness.js';
import { formatCliError, table } from './output.js';

export type Status = 'ok' | 'missing' | 'FAIL' | 'warn';

export interface DoctorRow {
  readonly area: string;
  readonly item: string;
  readonly status: Status;
  readonly detail: string;
}

export interface DoctorResult {
  readonly rows: readonly DoctorRow[];
  /** False when something stops Herald from starting or working (config, database, migrations). */
  readonly healthy: boolean;
}

function keyRow(config: Config): DoctorRow {
  if (config.encryption.key)
    return { area: 'security', item: 'encryption key', status: 'ok', detail: 'from HERALD_ENCRYPTION_KEY' };
  const file = keyFilePath(config.dataDir);
  return existsSync(file)
    ? {
        area: 'security',
        item: 'encryption key',
        status: 'warn',
        detail: `generated file ${file}: back it up, or set HERALD_ENCRYPTION_KEY`,
      }
    : {
        area: 'security',
        item: 'encryption key',
        status: 'warn',
        detail: 'none yet: one is generated into the data folder at first start',
      };
}

async function databaseRows(config: Config): Promise<{ rows: DoctorRow[]; healthy: boolean }> {
  const where = config.database.url
    ? describeDatabase(config.database.url)
    : `embedded, in ${join(config.dataDir, 'postgres')}`;
  let database;
  try {
    database = await openDatabase(config, createLogger({ level: 'silent' }), { poolSize: 2 });
  } catch (err) {
    return {
      rows: [
        {
          area: 'database',
          item: 'connection',
          status: 'FAIL',
          detail: formatCliError(err).replace(/^herald: /, ''),
        },
      ],
      healthy: false,
    };
  }
  try {
    const health = await checkHealth(database.pool, { heartbeatSeconds: config.worker.heartbeatSeconds });
    const { database: db, migrations, worker } = health.checks;
    const migrationsPending = /pending/.test(migrations.detail);
    return {
      rows: [
        {
          area: 'database',
          item: 'connection',
          status: db.ok ? 'ok' : 'FAIL',
          detail: `${where}: ${db.detail}`,
        },
        {
          area: 'database',
          item: 'migrations',
          status: migrations.ok ? 'ok' : migrationsPending ? 'warn' : 'FAIL',
          detail: migrationsPending
            ? `${migrations.detail} (herald start applies them too)`
            : migrations.detail,
        },
        { area: 'worker', item: 'heartbeat', status: worker.ok ? 'ok' : 'warn', detail: worker.detail },
      ],
      healthy: db.ok && (migrations.ok || migrationsPending),
    };
  } finally {
    await database.close();
  }
}

export async function runDoctor(env?: Environment): Promise<DoctorResult> {
  let config: Config;
  try {
    config = env ? loadConfig(env) : loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return {
      rows: err.problems.map((problem) => ({
        area: 'config',
        item: problem.split(':')[0] ?? '',
        status: 'FAIL',
        detail: problem,
      })),
      healthy: false,
    };
  }
  const rows: DoctorRow[] = [
    {
      area: 'config',
      item: 'environment',
      status: 'ok',
      detail: `NODE_ENV=${config.env}, data folder ${config.dataDir}`,
    },
    ...config.warnings.map((warning): DoctorRow => ({
      area: 'config',
      item: 'warning',
      status: 'warn',
      detail: warning,
    })),
    keyRow(config),
  ];
  const db = await databaseRows(config);
  rows.push(...db.rows);
  const readiness = (
    area: string,
    items: ReadonlyArray<{ displayName: string; ready: boolean; detail: string }>,
  ) =>
    items.map((item): DoctorRow => ({
      area,
      item: item.displayName,
      status: item.ready ? 'ok' : 'missing',
      detail: item.detail,
    }));
  rows.push(
    ...readiness(
      'chat',
      chatPlatformStatus(config).map((chat) => ({ ...chat, ready: chat.configured })),
    ),
    ...readiness('social', providerReadiness(config)),
    ...readiness('aggregator', aggregatorReadiness(config)),
  );
  return { rows, healthy: db.healthy };
}

export function renderDoctor(result: DoctorResult): string {
  const summary = result.healthy
    ? 'Herald can start. Rows marked "missing" are optional until you want that platform.'
    : 'Herald cannot start as configured: fix the rows marked FAIL.';
  return `${table(
    ['area', 'item', 'status', 'detail'],
    result.rows.map((r) => [r.area, r.item, r.status, r.detail]),
  )}\n\n${summary}`;
}
