/**
 * A loopback Bluesky: one server that is at once the entryway (resolveHandle, createSession), the PLC
 * directory (`GET /plc/<did>`), a did:web host (`/.well-known/did.json`) and a PDS that proxies the AppView
 * (deleteSession, getProfile, getAuthorFeed, getPosts, uploadBlob, createRecord). It speaks the XRPC wire format: error
 * bodies `{ error, message }` with the PDS's statuses (400 ExpiredToken, 400 InvalidToken, 401 AuthMissing,
 * 401 AuthenticationRequired, 429 RateLimitExceeded) and `RateLimit-*` headers on every answer.
 */
import type { AccountRef } from '../../social/provider.js';
import { startFakeServer, type FakeReply, type FakeServer, type RecordedRequest } from './fake-server.js';

export interface FakeAccountInput {
  readonly handle: string;
  readonly password: string;
  readonly did?: string;
  readonly email?: string;
  readonly displayName?: string;
  readonly avatar?: string;
  /** The PDS its DID document names; default: this fake. */
  readonly pdsUrl?: string;
}

export interface FakeAccount extends FakeAccountInput {
  readonly did: string;
  status: 'active' | 'takendown' | 'deactivated';
}

export interface FakePostInput {
  readonly text: string;
  readonly createdAt?: string;
  readonly indexedAt?: string;
  readonly facets?: unknown[];
  readonly reply?: { root: { uri: string; cid: string }; parent: { uri: string; cid: string } };
  /** An embed view as the AppView returns it (`app.bsky.embed.images#view`, …). */
  readonly embed?: Record<string, unknown>;
  readonly langs?: string[];
  readonly counts?: Partial<Record<'likeCount' | 'repostCount' | 'replyCount' | 'quoteCount', number>>;
}

export interface FakeSession {
  readonly accessJwt: string;
  readonly refreshJwt: string;
}

export interface FakeFaultOptions {
  readonly path?: string | RegExp;
  readonly times?: number;
}

export interface BlueskyFake extends FakeServer {
  /** Use as `plcDirectoryUrl`: this fake answers `GET /plc/<did:plc>` with the account's DID document. */
  readonly plcDirectoryUrl: string;
  /** Use as `didWebUrl`: did:web documents are read over http from the fake. */
  didWebUrl(host: string): string;
  /** A did:web identity hosted by this fake. */
  webDid(): string;
  addAccount(input: FakeAccountInput): FakeAccount;
  /** A post by the account at the top of its feed; returns its post view. */
  addPost(actor: string, input: FakePostInput): Record<string, unknown>;
  /** A repost of `uri` by `actor`, with the repost record URI in the reason when `withUri`. */
  addRepost(actor: string, uri: string, options?: { indexedAt?: string; withUri?: boolean }): void;
  /** Any feedViewPost (a fixture) into the actor's feed, sorted at `sortAt`. */
  addFeedItem(actor: string, item: Record<string, unknown>, sortAt: string): void;
  pin(actor: string, uri: string): void;
  deletePost(uri: string): void;
  setCounts(uri: string, counts: FakePostInput['counts']): void;
  /** A session as createSession would give it, for tests that start signed in. */
  issueSession(actor: string): FakeSession;
  /** A new account of this fake with a live session, as a provider sees it after sign-in. */
  signedIn(input?: Partial<FakeAccountInput>): AccountRef;
  readonly records: Array<{ repo: string; uri: string; cid: string; record: Record<string, unknown> }>;
  readonly blobs: Array<{ cid: string; mimeType: string; size: number }>;
  /** Every access JWT issued so far is now expired (400 ExpiredToken); refreshing works. */
  expireToken(): void;
  /** Every refresh JWT issued so far is now expired too. */
  expireRefreshToken(): void;
  takedown(actor: string): void;
  rateLimit(resetInSeconds: number, options?: FakeFaultOptions): void;
  serverError(options?: FakeFaultOptions): void;
  slow(ms: number, options?: FakeFaultOptions): void;
  malformed(options?: FakeFaultOptions & { body?: string }): void;
}

interface FeedEntry {
  readonly sortAt: number;
  readonly cid: string;
  readonly item: Record<string, unknown>;
}

const RATE_LIMIT = 3000;
const RATE_WINDOW_S = 300;
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function xrpcError(status: number, error: string, message: string): FakeReply {
  return { status, json: { error, message } };
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A TID record key: 13 sortable base32 characters of microseconds and a clock id. */
let tidClock = 0;
function tid(micros: number): string {
  const alphabet = '234567abcdefghijklmnopqrstuvwxyz';
  let value = BigInt(micros) * 1024n + BigInt(tidClock++ % 1024);
  let out = '';
  for (let i = 0; i < 13; i++) {
    out = alphabet[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

export async function startBlueskyFake(): Promise<BlueskyFake> {
  const server = await startFakeServer({
    notFound: xrpcError(501, 'MethodNotImplemented', 'Method Not Implemented'),
  });
  const accounts: FakeAccount[] = [];
  const feeds = new Map<string, FeedEntry[]>();
  const posts = new Map<string, Record<string, unknown>>();
  const pins = new Map<string, string>();
  const access = new Map<string, { did: string; expired: boolean }>();
  const refresh = new Map<string, { did: string; expired: boolean; used: boolean }>();
  const records: BlueskyFake['records'] = [];
  const blobs: BlueskyFake['blobs'] = [];
  let clock = Date.parse('2026-01-10T12:00:00.000Z');
  let sequence = 0;
  let remaining = RATE_LIMIT;
  let windowEnd = Math.ceil(Date.now() / 1000) + RATE_WINDOW_S;

  const cid = () =>
    `bafyrei${(++sequence).toString(36).padStart(8, 'a')}fake${Math.random().toString(36).slice(2, 10)}`;
  const tick = () => new Date((clock += 60_000)).toISOString();
  const rateHeaders = (left: number, reset: number) => ({
    'ratelimit-limit': String(RATE_LIMIT),
    'ratelimit-remaining': String(Math.max(0, left)),
    'ratelimit-reset': String(reset),
    'ratelimit-policy': `${RATE_LIMIT};w=${RATE_WINDOW_S}`,
  });

  function find(actor: string): FakeAccount | undefined {
    const key = actor.toLowerCase();
    return accounts.find(
      (a) => a.did === actor || a.handle.toLowerCase() === key || a.email?.toLowerCase() === key,
    );
  }
  function must(actor: string): FakeAccount {
    const account = find(actor);
    if (!account) throw new Error(`no fake account ${actor}`);
    return account;
  }
  function profile(account: FakeAccount) {
    return {
      did: account.did,
      handle: account.handle,
      ...(account.displayName ? { displayName: account.displayName } : {}),
      ...(account.avatar ? { avatar: account.avatar } : {}),
      labels: [],
      createdAt: '2024-01-01T00:00:00.000Z',
    };
  }
  function didDocument(account: FakeAccount) {
    return {
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
      id: account.did,
      alsoKnownAs: [`at://${account.handle}`],
      verificationMethod: [
        {
          id: `${account.did}#atproto`,
          type: 'Multikey',
          controller: account.did,
          publicKeyMultibase: 'zQ3shXjHeiBuRCKmM36cuYnm7YEMzhGnCmCyW92sRJ9pribSF',
        },
      ],
      service: [
        {
          id: '#atproto_pds',
          type: 'AtprotoPersonalDataServer',
          serviceEndpoint: account.pdsUrl ?? server.url,
        },
      ],
    };
  }
  function issueSession(actor: string) {
    const account = must(actor);
    const iat = Math.floor(Date.now() / 1000);
    const jwt = (scope: string, typ: string, life: number) =>
      `${b64url({ typ, alg: 'HS256' })}.${b64url({ scope, sub: account.did, aud: 'did:web:pds.fake', iat, exp: iat + life, jti: cid() })}.c2ln`;
    const session = {
      accessJwt: jwt('com.atproto.appPass', 'at+jwt', 7200),
      refreshJwt: jwt('com.atproto.refresh', 'refresh+jwt', 7776000),
    };
    access.set(session.accessJwt, { did: account.did, expired: false });
    refresh.set(session.refreshJwt, { did: account.did, expired: false, used: false });
    return session;
  }
  function sessionBody(account: FakeAccount, session: FakeSession) {
    return {
      ...session,
      handle: account.handle,
      did: account.did,
      didDoc: didDocument(account),
      ...(account.email ? { email: account.email, emailConfirmed: true } : {}),
      active: account.status === 'active',
      ...(account.status === 'active' ? {} : { status: account.status }),
    };
  }
  const bearer = (req: RecordedRequest) => /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];

  /** The PDS's auth verifier: the account of a valid access JWT, or the XRPC error it would answer. */
  function authed(req: RecordedRequest): FakeAccount | FakeReply {
    const token = bearer(req);
    if (!token) return xrpcError(401, 'AuthMissing', 'Authentication Required');
    const entry = access.get(token);
    if (!entry) return xrpcError(400, 'InvalidToken', 'Token could not be verified');
    if (entry.expired) return xrpcError(400, 'ExpiredToken', 'Token has expired');
    const account = must(entry.did);
    if (account.status === 'takendown')
      return xrpcError(401, 'AccountTakedown', 'Account has been taken down');
    return account;
  }

  function insert(did: string, entry: FeedEntry) {
    const feed = feeds.get(did) ?? [];
    feed.push(entry);
    feed.sort((a, b) => b.sortAt - a.sortAt || (b.cid < a.cid ? -1 : 1));
    feeds.set(did, feed);
  }

  function addAccount(input: FakeAccountInput): FakeAccount {
    const did =
      input.did ??
      `did:plc:${input.handle
        .replace(/[^a-z0-9]/gi, '')
        .toLowerCase()
        .padEnd(24, 'x')
        .slice(0, 24)}`;
    const account: FakeAccount = { ...input, did, status: 'active' };
    accounts.push(account);
    return account;
  }

  function addPost(actor: string, input: FakePostInput): Record<string, unknown> {
    const account = must(actor);
    const createdAt = input.createdAt ?? tick();
    const indexedAt = input.indexedAt ?? createdAt;
    const postCid = cid();
    const view = {
      uri: `at://${account.did}/app.bsky.feed.post/${tid(Date.parse(createdAt) * 1000)}`,
      cid: postCid,
      author: profile(account),
      record: {
        $type: 'app.bsky.feed.post',
        text: input.text,
        createdAt,
        ...(input.facets ? { facets: input.facets } : {}),
        ...(input.reply ? { reply: input.reply } : {}),
        ...(input.langs ? { langs: input.langs } : {}),
      },
      ...(input.embed ? { embed: input.embed } : {}),
      replyCount: 0,
      repostCount: 0,
      likeCount: 0,
      quoteCount: 0,
      ...input.counts,
      indexedAt,
      labels: [],
    };
    posts.set(view.uri, view);
    insert(account.did, {
      sortAt: Math.min(Date.parse(createdAt), Date.parse(indexedAt)),
      cid: postCid,
      item: { post: view },
    });
    return view;
  }

  function embedView(
    did: string,
    embed: Record<string, unknown> | undefined,
  ): Record<string, unknown> | undefined {
    if (embed?.$type === 'app.bsky.embed.images') {
      const images = embed.images as Array<{
        alt: string;
        image: { ref: { $link: string } };
        aspectRatio?: unknown;
      }>;
      const cdn = (kind: string, link: string) =>
        `https://cdn.bsky.app/img/${kind}/plain/${did}/${link}@jpeg`;
      return {
        $type: 'app.bsky.embed.images#view',
        images: images.map((i) => ({
          thumb: cdn('feed_thumbnail', i.image.ref.$link),
          fullsize: cdn('feed_fullsize', i.image.ref.$link),
          alt: i.alt,
          ...(i.aspectRatio ? { aspectRatio: i.aspectRatio } : {}),
        })),
      };
    }
    if (embed?.$type === 'app.bsky.embed.external')
      return { $type: 'app.bsky.embed.external#view', external: embed.external };
    return undefined;
  }

  /** createRecord's lexicon validation of app.bsky.feed.post, as the PDS words it. */
  function invalidPost(record: Record<string, unknown>): string | undefined {
    const text = typeof record.text === 'string' ? record.text : '';
    if ([...segmenter.segment(text)].length > 300) return 'Record/text must not be longer than 300 graphemes';
    if (Buffer.byteLength(text) > 3000) return 'Record/text must not be longer than 3000 characters';
    const embed = record.embed as { images?: Array<{ image: { ref: { $link: string } } }> } | undefined;
    for (const [i, image] of (embed?.images ?? []).entries()) {
      const blob = blobs.find((b) => b.cid === image.image.ref.$link);
      if (!blob) return `Could not find blob: ${image.image.ref.$link}`;
      if (blob.size > 1_000_000)
        return `Record/embed/images/${i}/image file too big (${blob.size} bytes, max 1000000)`;
    }
    return undefined;
  }

  function authorFeed(req: RecordedRequest): FakeReply {
    const account = find(req.query.get('actor') ?? '');
    if (!account) return xrpcError(400, 'InvalidRequest', 'Profile not found');
    const limit = Number(req.query.get('limit') ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      return xrpcError(400, 'InvalidRequest', 'Error: limit can not be greater than 100');
    }
    const cursor = req.query.get('cursor');
    const [cursorAt, cursorCid] = cursor
      ? [Number(cursor.split('::')[0]), cursor.split('::')[1] ?? '']
      : [Infinity, ''];
    const filter = req.query.get('filter') ?? 'posts_with_replies';
    const older = (feeds.get(account.did) ?? []).filter(
      (e) => e.sortAt < cursorAt || (e.sortAt === cursorAt && e.cid < cursorCid),
    );
    const visible = older.filter((e) => {
      const post = (e.item as { post: { record: { reply?: unknown } } }).post;
      return filter !== 'posts_no_replies' || !post.record.reply || 'reason' in e.item;
    });
    const page = visible.slice(0, limit);
    const last = page.at(-1);
    const pinned = pins.get(account.did);
    const pin = !cursor && req.query.get('includePins') === 'true' && pinned && posts.get(pinned);
    return {
      json: {
        ...(last && visible.length > limit ? { cursor: `${last.sortAt}::${last.cid}` } : {}),
        feed: [
          ...(pin ? [{ post: pin, reason: { $type: 'app.bsky.feed.defs#reasonPin' } }] : []),
          ...page.map((e) => e.item),
        ],
      },
    };
  }

  const routes: Array<[string, string, (req: RecordedRequest, params: Record<string, string>) => FakeReply]> =
    [
      [
        'GET',
        '/xrpc/com.atproto.identity.resolveHandle',
        (req) => {
          const account = find(req.query.get('handle') ?? '');
          return account
            ? { json: { did: account.did } }
            : xrpcError(400, 'InvalidRequest', 'Unable to resolve handle');
        },
      ],
      [
        'GET',
        '/.well-known/did.json',
        (req) => {
          const account = accounts.find(
            (a) => a.did === `did:web:${encodeURIComponent(req.headers.host ?? '')}`,
          );
          return account ? { json: didDocument(account) } : { status: 404, text: 'Not Found' };
        },
      ],
      [
        'POST',
        '/xrpc/com.atproto.server.createSession',
        (req) => {
          const body = req.json() as { identifier?: string; password?: string };
          if (!body.identifier || !body.password)
            return xrpcError(400, 'InvalidRequest', 'Input must have the property "password"');
          const account = find(body.identifier);
          if (!account || account.password !== body.password) {
            return xrpcError(401, 'AuthenticationRequired', 'Invalid identifier or password');
          }
          if (account.status === 'takendown')
            return xrpcError(401, 'AccountTakedown', 'Account has been taken down');
          return { json: sessionBody(account, issueSession(account.did)) };
        },
      ],
      [
        'POST',
        '/xrpc/com.atproto.server.refreshSession',
        (req) => {
          const token = bearer(req);
          const entry = token ? refresh.get(token) : undefined;
          if (!token) return xrpcError(401, 'AuthMissing', 'Authentication Required');
          if (!entry || entry.used) return xrpcError(400, 'InvalidToken', 'Token could not be verified');
          if (entry.expired) return xrpcError(400, 'ExpiredToken', 'Token has expired');
          const account = must(entry.did);
          if (account.status === 'takendown')
            return xrpcError(401, 'AccountTakedown', 'Account has been taken down');
          entry.used = true;
          return { json: sessionBody(account, issueSession(account.did)) };
        },
      ],
      [
        'POST',
        '/xrpc/com.atproto.server.deleteSession',
        (req) => {
          const entry = refresh.get(bearer(req) ?? '');
          if (!entry || entry.used) return xrpcError(400, 'InvalidToken', 'Token could not be verified');
          entry.used = true;
          return { status: 200 };
        },
      ],
      [
        'GET',
        '/xrpc/app.bsky.actor.getProfile',
        (req) => {
          const viewer = authed(req);
          if (!('did' in viewer)) return viewer;
          const account = find(req.query.get('actor') ?? '');
          if (!account) return xrpcError(400, 'InvalidRequest', 'Profile not found');
          return {
            json: {
              ...profile(account),
              description: '',
              followersCount: 10,
              followsCount: 5,
              postsCount: 3,
            },
          };
        },
      ],
      [
        'GET',
        '/xrpc/app.bsky.feed.getAuthorFeed',
        (req) => {
          const viewer = authed(req);
          return 'did' in viewer ? authorFeed(req) : viewer;
        },
      ],
      [
        'GET',
        '/xrpc/app.bsky.feed.getPosts',
        (req) => {
          const viewer = authed(req);
          if (!('did' in viewer)) return viewer;
          const uris = req.query.getAll('uris');
          if (uris.length > 25)
            return xrpcError(400, 'InvalidRequest', 'Error: uris must not have more than 25 elements');
          return { json: { posts: uris.flatMap((uri) => posts.get(uri) ?? []) } };
        },
      ],
      [
        'POST',
        '/xrpc/com.atproto.repo.uploadBlob',
        (req) => {
          const viewer = authed(req);
          if (!('did' in viewer)) return viewer;
          const blob = {
            cid: `bafkrei${cid()}`,
            mimeType: req.headers['content-type'] ?? '*/*',
            size: req.body.length,
          };
          blobs.push(blob);
          return {
            json: {
              blob: { $type: 'blob', ref: { $link: blob.cid }, mimeType: blob.mimeType, size: blob.size },
            },
          };
        },
      ],
      [
        'POST',
        '/xrpc/com.atproto.repo.createRecord',
        (req) => {
          const viewer = authed(req);
          if (!('did' in viewer)) return viewer;
          const body = req.json() as { repo?: string; collection?: string; record?: Record<string, unknown> };
          if (body.repo !== viewer.did && body.repo !== viewer.handle)
            return xrpcError(400, 'InvalidRequest', 'Input/repo must be the authenticated account');
          if (body.collection !== 'app.bsky.feed.post' || !body.record)
            return xrpcError(400, 'InvalidRequest', 'Unsupported collection');
          const problem = invalidPost(body.record);
          if (problem)
            return xrpcError(400, 'InvalidRequest', `Invalid app.bsky.feed.post record: ${problem}`);
          const record = body.record as unknown as FakePostInput & {
            createdAt: string;
            embed?: Record<string, unknown>;
          };
          const view = addPost(viewer.did, {
            ...record,
            indexedAt: tick(),
            embed: embedView(viewer.did, record.embed),
          });
          const created = {
            repo: viewer.did,
            uri: view.uri as string,
            cid: view.cid as string,
            record: body.record,
          };
          records.push(created);
          return {
            json: {
              uri: created.uri,
              cid: created.cid,
              commit: { cid: cid(), rev: tid(Date.now() * 1000) },
              validationStatus: 'valid',
            },
          };
        },
      ],
      [
        'GET',
        '/plc/:did',
        (_req, params) => {
          const account = accounts.find((a) => a.did === params.did && a.did.startsWith('did:plc:'));
          return account
            ? { json: didDocument(account) }
            : { status: 404, json: { message: `DID not registered: ${params.did}` } };
        },
      ],
    ];
  for (const [method, pattern, handler] of routes) {
    server.on(method, pattern, (req, params) => {
      const reply = handler(req, params);
      if (Date.now() / 1000 >= windowEnd) {
        windowEnd = Math.ceil(Date.now() / 1000) + RATE_WINDOW_S;
        remaining = RATE_LIMIT;
      }
      remaining -= 1;
      return { ...reply, headers: { ...rateHeaders(remaining, windowEnd), ...reply.headers } };
    });
  }

  // Faults answer with the current window's rate-limit headers too, as every PDS answer carries them.
  const xrpcFault = (reply: FakeReply, options: FakeFaultOptions = {}) =>
    server.injectFault(
      {
        kind: 'reply',
        reply: { ...reply, headers: { ...rateHeaders(remaining, windowEnd), ...reply.headers } },
      },
      { times: options.times ?? 1, path: options.path ?? '/xrpc/' },
    );

  return {
    ...server,
    plcDirectoryUrl: `${server.url}/plc`,
    didWebUrl: (host) => `http://${host}/.well-known/did.json`,
    webDid: () => `did:web:${encodeURIComponent(new URL(server.url).host)}`,
    addAccount,
    addPost,
    addRepost(actor, uri, options = {}) {
      const account = must(actor);
      const post = posts.get(uri);
      if (!post) throw new Error(`no fake post ${uri}`);
      const indexedAt = options.indexedAt ?? tick();
      const repostUri = `at://${account.did}/app.bsky.feed.repost/${tid(Date.parse(indexedAt) * 1000)}`;
      const reason = {
        $type: 'app.bsky.feed.defs#reasonRepost',
        by: profile(account),
        ...(options.withUri ? { uri: repostUri, cid: cid() } : {}),
        indexedAt,
      };
      insert(account.did, { sortAt: Date.parse(indexedAt), cid: cid(), item: { post, reason } });
    },
    addFeedItem(actor, item, sortAt) {
      const post = item.post as { uri: string; cid: string };
      posts.set(post.uri, item.post as Record<string, unknown>);
      insert(must(actor).did, { sortAt: Date.parse(sortAt), cid: post.cid, item });
    },
    pin: (actor, uri) => void pins.set(must(actor).did, uri),
    deletePost(uri) {
      posts.delete(uri);
      for (const feed of feeds.values()) {
        const index = feed.findIndex(
          (e) => (e.item.post as { uri: string }).uri === uri && !('reason' in e.item),
        );
        if (index >= 0) feed.splice(index, 1);
      }
    },
    setCounts(uri, counts) {
      const post = posts.get(uri);
      if (post) Object.assign(post, counts);
    },
    issueSession,
    signedIn(input = {}) {
      const handle = input.handle ?? 'alice.test';
      const account =
        find(handle) ??
        addAccount({ password: 'abcd-efgh-ijkl-mnop', displayName: 'Alice', ...input, handle });
      const session = issueSession(handle);
      const credentials = { accessToken: session.accessJwt, refreshToken: session.refreshJwt };
      return {
        platform: 'bluesky',
        accountId: account.did,
        handle,
        instanceUrl: account.pdsUrl ?? server.url,
        credentials,
      };
    },
    records,
    blobs,
    expireToken: () => access.forEach((entry) => (entry.expired = true)),
    expireRefreshToken: () => refresh.forEach((entry) => (entry.expired = true)),
    takedown: (actor) => void (must(actor).status = 'takendown'),
    rateLimit(resetInSeconds, options) {
      const reset = Math.floor(Date.now() / 1000) + resetInSeconds;
      xrpcFault(
        { ...xrpcError(429, 'RateLimitExceeded', 'Rate Limit Exceeded'), headers: rateHeaders(0, reset) },
        options,
      );
    },
    serverError: (options) =>
      xrpcFault(xrpcError(500, 'InternalServerError', 'Internal Server Error'), options),
    slow: (ms, options = {}) =>
      server.injectFault(
        { kind: 'slow', delayMs: ms },
        { times: options.times ?? 1, path: options.path ?? '/xrpc/' },
      ),
    malformed(options = {}) {
      const body = options.body ?? '{"cursor":"x","feed":[{"post":{"uri":42}}]}';
      xrpcFault(
        { status: 200, body: Buffer.from(body), headers: { 'content-type': 'application/json' } },
        options,
      );
    },
  };
}
