/**
 * /healthz (200 when the database answers, migrations are current and a worker is alive, else 503)
 * and /metrics (Prometheus text).
 */
import type { Pool } from '../../core/db/pool.js';
import { checkHealth } from '../../core/health.js';
import type { Logger } from '../../core/logger.js';
import { createMetrics } from './metrics.js';
import { sendJson, type Route } from './server.js';

export function healthRoutes(pool: Pool, logger: Logger, options: { heartbeatSeconds: number }): Route[] {
  const metrics = createMetrics(pool, logger);
  return [
    {
      method: 'GET',
      path: '/healthz',
      async handler(_req, res) {
        const report = await checkHealth(pool, options);
        res.setHeader('cache-control', 'no-store');
        sendJson(res, report.ok ? 200 : 503, {
          status: report.ok ? 'ok' : 'unhealthy',
          checks: report.checks,
        });
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      async handler(_req, res) {
        const text = await metrics.render();
        res.writeHead(200, { 'content-type': metrics.contentType });
        res.end(text);
      },
    },
  ];
}
