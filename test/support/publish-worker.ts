/**
 * The real worker for publishing tests: the whole task list, its cron off, polling for jobs every
 * 100 ms. Nothing is imported into chat here, so a delivery attempt is a test failure.
 */
import type { Config } from '../../core/config.js';
import type { Keyring } from '../../core/crypto.js';
import type { Pool } from '../../core/db/pool.js';
import type { ProviderRegistry } from '../../social/registry.js';
import { startWorker, type WorkerRuntime } from '../../worker/runtime.js';
import { testLogger } from './database.js';

export function startPublishWorker(
  pool: Pool,
  keyring: Keyring,
  registry: ProviderRegistry,
  config: Pick<Config, 'worker'>,
): Promise<WorkerRuntime> {
  return startWorker({
    pool,
    logger: testLogger,
    settings: config.worker,
    crontab: '',
    pollIntervalMs: 100,
    tasks: {
      pool,
      keyring,
      providers: registry,
      senders: async () => {
        throw new Error('no import deliveries in a publishing test');
      },
      settings: config.worker,
      logger: testLogger,
    },
  });
}
