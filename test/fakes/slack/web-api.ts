/**
 * The Web API's front door: `POST /api/<method>` (GET with a query also works), the token from
 * `Authorization: Bearer …` or a `token` field, checked against the kind of token each method takes,
 * then the method's handler. Slack's own checks come first: an unknown method, an unreadable body,
 * no token (`not_authed`), an unknown one (`invalid_auth`), a revoked one (`token_revoked`), one for
 * a workspace the app was removed from (`account_inactive`), the wrong kind (`not_allowed_token_type`).
 * Also here: the per-channel posting limit, answers held back, and waiting for a call.
 */
import { createHeldAnswers, type HeldAnswers } from '../held-answers.js';
import type { FakeReply, FakeServer, RecordedRequest } from '../fake-server.js';
import type { FakeSlackMessage } from './messages.js';
import { error, readArgs, type Args, type SlackBody } from './wire.js';
import type { Caller, World } from './world.js';

export type WorkspaceCaller = Extract<Caller, { readonly workspace: unknown }>;

/** Handles one Web API method called with a workspace token; returns the JSON body (sent with HTTP 200). */
export type SlackMethodHandler = (args: Args, request: RecordedRequest, caller: WorkspaceCaller) => SlackBody;

/** A method and the token it takes: a workspace's bot or user token, the app-level token, or none. */
export type MethodSpec =
  | { readonly token: 'workspace'; readonly handler: SlackMethodHandler }
  | { readonly token: 'app' | 'none'; readonly handler: (args: Args, request: RecordedRequest) => SlackBody };

export type MethodTable = Map<string, MethodSpec>;

/** `chat.postMessage` answers kept back (see `SlackFaultControls.holdPostedMessages`). */
export type HeldSlackMessages = HeldAnswers<FakeSlackMessage>;

interface WebApiDeps {
  readonly server: FakeServer;
  readonly world: World;
  readonly methods: MethodTable;
  readonly now: () => number;
}

export function createWebApi({ server, world, methods, now }: WebApiDeps) {
  const postWindows = new Map<string, { second: number; count: number }>();
  const holds = createHeldAnswers<FakeSlackMessage>();
  const waiters: Array<{ method: string; resolve: (request: RecordedRequest) => void }> = [];
  let postsPerSecond: number | undefined;

  /** Slack's per-channel posting limit ("one message per second"), when a test turns it on. */
  function overPostingLimit(channelId: unknown): boolean {
    if (postsPerSecond === undefined || typeof channelId !== 'string') return false;
    const second = Math.floor(now() / 1000);
    const window = postWindows.get(channelId);
    if (!window || window.second !== second) {
      postWindows.set(channelId, { second, count: 1 });
      return false;
    }
    window.count += 1;
    return window.count > postsPerSecond;
  }

  function dispatch(request: RecordedRequest, method: string): FakeReply {
    const spec = methods.get(method);
    if (!spec) return { json: error('unknown_method', { req_method: method }) };
    const args = readArgs(request);
    if (typeof args === 'string') return { json: error(args) };
    if (spec.token === 'none') return { json: spec.handler(args, request) };
    const header = request.headers.authorization?.replace(/^Bearer\s+/iu, '');
    // Slack refuses an app-level token passed as a form field: it must be in the header.
    const field = spec.token === 'app' ? undefined : args.token;
    const token = header ?? (typeof field === 'string' ? field : '');
    if (!token) return { json: error('not_authed') };
    const caller = world.resolveToken(token);
    if (typeof caller === 'string') return { json: error(caller) };
    if (spec.token === 'app') {
      if (caller.kind !== 'app') return { json: error('not_allowed_token_type') };
      return { json: spec.handler(args, request) };
    }
    if (caller.kind === 'app') return { json: error('not_allowed_token_type') };
    if (method === 'chat.postMessage' && overPostingLimit(args.channel)) {
      return { status: 429, headers: { 'retry-after': '1' }, json: error('ratelimited') };
    }
    return { json: spec.handler(args, request, caller) };
  }

  /** The answer, or a promise of it while a test holds back posted messages' answers. */
  function held(method: string, reply: FakeReply): FakeReply | Promise<FakeReply> {
    if (method !== 'chat.postMessage' || !holds.active()) return reply;
    const body = reply.json as { ok?: unknown; channel?: unknown; ts?: unknown } | undefined;
    if ((reply.status ?? 200) !== 200 || body?.ok !== true) return reply;
    const message = world.channels
      .get(String(body.channel))
      ?.messages.find((entry) => entry.message.ts === body.ts)?.message;
    return message ? holds.hold(message, reply) : reply;
  }

  function answer(request: RecordedRequest, method: string): FakeReply | Promise<FakeReply> {
    const reply = held(method, dispatch(request, method));
    for (const waiter of waiters.filter((entry) => entry.method === method)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(request);
    }
    return reply;
  }

  server.on('POST', '/api/:method', (request, { method = '' }) => answer(request, method));
  server.on('GET', '/api/:method', (request, { method = '' }) => answer(request, method));

  return {
    limitPostsPerChannel(perSecond: number | undefined) {
      postsPerSecond = perSecond;
      postWindows.clear();
    },
    /** Resolves with the next call of `method` once the fake has handled it. */
    nextCall(method: string): Promise<RecordedRequest> {
      return new Promise((resolve) => waiters.push({ method, resolve }));
    },
    holdPostedMessages(options: { readonly times?: number } = {}): HeldSlackMessages {
      return holds.start(options);
    },
  };
}
