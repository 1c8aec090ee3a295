/** Herald's web server with only the public API, on a free loopback port, for API tests. */
import { publicApiRoutes } from '../../bot/http/public-api/routes.js';
import { startHttpServer, type HttpServer } from '../../bot/http/server.js';
import type { RateLimit } from '../../core/api-keys.js';
import type { Keyring } from '../../core/crypto.js';
import type { Pool } from '../../core/db/pool.js';
import type { MediaDownloader } from '../../social/media-download.js';
import type { ProviderRegistry } from '../../social/registry.js';
import { testLogger } from './database.js';

export function startApiServer(deps: {
  readonly pool: Pool;
  readonly keyring: Keyring;
  readonly registry: ProviderRegistry;
  readonly media: MediaDownloader;
  readonly rateLimit?: RateLimit;
}): Promise<HttpServer> {
  return startHttpServer({
    port: 0,
    host: '127.0.0.1',
    logger: testLogger,
    routes: publicApiRoutes({
      ...deps,
      rateLimit: deps.rateLimit ?? { requests: 1_000, windowSeconds: 3_600 },
      publicUrl: 'https://herald.example',
      logger: testLogger,
    }),
  });
}
