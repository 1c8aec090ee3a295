/**
 * Herald's one HTTP server. Routes are registered by path; later features (OAuth callbacks, Slack
 * events) add theirs. Handlers never see a thrown error escape: it becomes a 500 and one log line.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeraldError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';

const CLOSE_GRACE_MS = 10_000;

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface Route {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** An exact path, or a prefix ending in `/*` whose handler routes the rest itself. */
  readonly path: string;
  readonly handler: RouteHandler;
}

export interface HttpServer {
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export async function startHttpServer(options: {
  readonly port: number;
  readonly host?: string;
  readonly routes: readonly Route[];
  readonly logger: Logger;
}): Promise<HttpServer> {
  const logger = options.logger.child({ subsystem: 'http' });
  const exact = options.routes.filter((route) => !route.path.endsWith('/*'));
  const prefixes = options.routes
    .filter((route) => route.path.endsWith('/*'))
    .map((route) => ({ ...route, prefix: route.path.slice(0, -1) }));
  const routes = new Map(exact.map((route) => [`${route.method} ${route.path}`, route.handler]));
  const paths = new Set(exact.map((route) => route.path));

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://herald.invalid').pathname;
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    const handler =
      routes.get(`${method} ${path}`) ??
      prefixes.find((route) => route.method === method && path.startsWith(route.prefix))?.handler;
    if (!handler) {
      sendJson(res, paths.has(path) ? 405 : 404, {
        error: paths.has(path) ? 'method not allowed' : 'not found',
      });
      return;
    }
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((err: unknown) => {
        logger.error({ err, path }, 'http handler failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        else res.destroy();
      });
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') {
        reject(
          new HeraldError(
            'port-in-use',
            `Herald's web server cannot listen on port ${options.port}: ${err.code === 'EACCES' ? 'permission denied' : 'it is already in use'}.`,
            {
              cause: err,
              hint: 'Stop whatever uses that port or set PORT to a free one (and HERALD_PUBLIC_URL to match).',
            },
          ),
        );
      } else reject(err);
    });
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  logger.info({ port }, 'web server listening');

  let closing: Promise<void> | undefined;
  return {
    port,
    server,
    close: () =>
      (closing ??= new Promise<void>((resolveClose) => {
        // In-flight requests get a grace period to finish; then every connection is cut.
        const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolveClose();
        });
        server.closeIdleConnections();
      })),
  };
}
