/**
 * `herald start`: run until SIGINT/SIGTERM. The first signal drains in-flight jobs and stops cleanly;
 * a second one exits at once.
 */
import { loadConfig } from '../core/config.js';
import { createLogger } from '../core/logger.js';
import { startHerald, type Role } from './app.js';

export async function startCommand(role: Role): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.log);
  for (const warning of config.warnings) logger.warn({ warning }, 'configuration warning');

  const herald = await startHerald(config, logger, { role });
  let shuttingDown = false;

  const shutdown = (reason: string, exitCode: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ reason }, 'herald stopping');
    herald
      .stop()
      .then(() => {
        logger.info('herald stopped');
        process.exitCode = exitCode;
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'herald did not stop cleanly');
        process.exitCode = 1;
      })
      .finally(() => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        // Anything still holding the loop open (a stuck socket) must not keep a stopped Herald alive.
        setTimeout(() => process.exit(), 1_000).unref();
      });
  };

  function onSignal(signal: NodeJS.Signals) {
    if (shuttingDown) {
      logger.warn({ signal }, 'second signal: exiting now without draining');
      process.exit(130);
    }
    shutdown(signal, 0);
  }
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  herald.worker?.done.catch(() => shutdown('worker fatal error', 1));
}
