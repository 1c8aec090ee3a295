/**
 * The base of every loopback fake: a real HTTP server on 127.0.0.1 with routes by method and path
 * pattern (`/2/users/:id/tweets`), a record of every request, and faults to inject (a status with the
 * platform's headers and body, a slow answer, a malformed body, a dropped connection). Platform fakes
 * build on it and speak their platform's wire format.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  text(): string;
  json(): unknown;
  form(): URLSearchParams;
}

export interface FakeReply {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Serialised as JSON with content-type application/json. */
  readonly json?: unknown;
  readonly text?: string;
  readonly body?: Buffer;
}

export type FakeHandler = (
  request: RecordedRequest,
  params: Readonly<Record<string, string>>,
) => FakeReply | Promise<FakeReply>;

export type Fault =
  | { readonly kind: 'reply'; readonly reply: FakeReply }
  | { readonly kind: 'slow'; readonly delayMs: number }
  /** A 200 whose body is not what the API sends. */
  | {
      readonly kind: 'malformed';
      readonly body: string;
      readonly contentType?: string;
      readonly headers?: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'drop' };

export interface FakeServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  on(method: string, pattern: string, handler: FakeHandler): void;
  /**
   * The next `times` requests (default 1) whose path matches `path` (default: any) meet `fault`,
   * once `after` (default 0) such requests have been answered normally.
   */
  injectFault(fault: Fault, options?: { times?: number; path?: string | RegExp; after?: number }): void;
  /** Requests to `pattern`, for assertions. */
  requestsTo(method: string, pattern: string): RecordedRequest[];
  close(): Promise<void>;
}

interface Route {
  readonly method: string;
  readonly pattern: string;
  readonly regex: RegExp;
  readonly names: string[];
  readonly handler: FakeHandler;
}

function compile(pattern: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const source = pattern
    .split('/')
    .map((part) => {
      if (part.startsWith(':')) {
        names.push(part.slice(1));
        return '([^/]+)';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { regex: new RegExp(`^${source}$`), names };
}

function send(res: ServerResponse, reply: FakeReply): void {
  const headers: Record<string, string> = { ...reply.headers };
  let body: Buffer = Buffer.alloc(0);
  if (reply.json !== undefined) {
    body = Buffer.from(JSON.stringify(reply.json));
    headers['content-type'] ??= 'application/json; charset=utf-8';
  } else if (reply.text !== undefined) {
    body = Buffer.from(reply.text);
    headers['content-type'] ??= 'text/plain; charset=utf-8';
  } else if (reply.body) {
    body = reply.body;
  }
  headers['content-length'] = String(body.length);
  res.writeHead(reply.status ?? 200, headers);
  res.end(body);
}

/**
 * The record of one request. Built outside the request handler: closures made there would keep the
 * request, its response and its socket alive for as long as the record, which the benchmarks'
 * thousands of requests turned into tens of megabytes of heap.
 */
function recordOf(req: IncomingMessage, body: Buffer): RecordedRequest {
  const url = new URL(req.url ?? '/', 'http://fake.invalid');
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: new URLSearchParams(url.search),
    headers: req.headers,
    body,
    text: () => body.toString('utf8'),
    json: () => JSON.parse(body.toString('utf8')) as unknown,
    form: () => new URLSearchParams(body.toString('utf8')),
  };
}

export interface FakeServerOptions {
  readonly notFound?: FakeReply;
  /** Takes HTTP upgrades (a WebSocket endpoint on the same port); without it they are refused. */
  readonly upgrade?: (request: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

export async function startFakeServer(options: FakeServerOptions = {}): Promise<FakeServer> {
  const routes: Route[] = [];
  const requests: RecordedRequest[] = [];
  const faults: Array<{ fault: Fault; times: number; after: number; path: string | RegExp | undefined }> = [];

  const takeFault = (path: string): Fault | undefined => {
    const index = faults.findIndex(
      (entry) =>
        entry.path === undefined ||
        (typeof entry.path === 'string' ? path.startsWith(entry.path) : entry.path.test(path)),
    );
    const entry = faults[index];
    if (!entry) return undefined;
    if (entry.after > 0) {
      entry.after -= 1;
      return undefined;
    }
    entry.times -= 1;
    if (entry.times <= 0) faults.splice(index, 1);
    return entry.fault;
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded = recordOf(req, Buffer.concat(chunks));
      requests.push(recorded);
      void respond(recorded, res);
    });
  });

  if (options.upgrade) server.on('upgrade', options.upgrade);

  async function respond(request: RecordedRequest, res: ServerResponse): Promise<void> {
    const fault = takeFault(request.path);
    if (fault?.kind === 'drop') {
      res.socket?.destroy();
      return;
    }
    if (fault?.kind === 'slow') await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault?.kind === 'reply') return send(res, fault.reply);
    if (fault?.kind === 'malformed') {
      return send(res, {
        status: 200,
        body: Buffer.from(fault.body),
        headers: { ...fault.headers, 'content-type': fault.contentType ?? 'application/json' },
      });
    }
    for (const route of routes) {
      if (route.method !== request.method) continue;
      const match = route.regex.exec(request.path);
      if (!match) continue;
      const params = Object.fromEntries(
        route.names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]),
      );
      try {
        return send(res, await route.handler(request, params));
      } catch (err) {
        return send(res, { status: 500, json: { error: 'fake handler failed', message: String(err) } });
      }
    }
    send(res, options.notFound ?? { status: 404, json: { error: 'not found' } });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    on(method, pattern, handler) {
      routes.push({ method, pattern, handler, ...compile(pattern) });
    },
    injectFault(fault, faultOptions = {}) {
      faults.push({
        fault,
        times: faultOptions.times ?? 1,
        after: faultOptions.after ?? 0,
        path: faultOptions.path,
      });
    },
    requestsTo(method, pattern) {
      const { regex } = compile(pattern);
      return requests.filter((r) => r.method === method && regex.test(r.path));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
