/**
 * Signing in with a handle and an app password, and refreshing the session. The account's PDS is found
 * from its identity, never assumed: handle → DID (`com.atproto.identity.resolveHandle` on the entryway)
 * → DID document (did:plc from the PLC directory, did:web from the host's `/.well-known/did.json`) → the
 * `#atproto_pds` service. Then `com.atproto.server.createSession` on that PDS.
 * @see https://atproto.com/specs/did#did-documents
 */
import type { AccountRef, Credentials, LinkedAccount } from '../provider.js';
import { blueskyError, classified } from './errors.js';
import { isHandle } from './facets.js';
import { BLUESKY_WEB_URL } from './map.js';
import { endpointOf, xrpcUrl, type BlueskyContext } from './context.js';
import {
  didDocumentSchema,
  profileViewDetailedSchema,
  resolveHandleSchema,
  sessionSchema,
  type DidDocument,
  type Session,
} from './schemas.js';

const RESOLVE_HANDLE = endpointOf('GET', 'com.atproto.identity.resolveHandle');
const CREATE_SESSION = endpointOf('POST', 'com.atproto.server.createSession');
const REFRESH_SESSION = endpointOf('POST', 'com.atproto.server.refreshSession');
const DELETE_SESSION = endpointOf('POST', 'com.atproto.server.deleteSession');
const GET_PROFILE = endpointOf('GET', 'app.bsky.actor.getProfile');
const RESOLVE_DID = 'GET did-document';

const DID = /^did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]$/;

/** The DID a handle points to, asked of the entryway. */
export async function resolveHandle(ctx: BlueskyContext, handle: string): Promise<string> {
  return classified('call', RESOLVE_HANDLE, async () => {
    const response = await ctx.http.request({
      url: xrpcUrl(ctx.entrywayUrl, 'com.atproto.identity.resolveHandle'),
      endpoint: RESOLVE_HANDLE,
      query: { handle },
      schema: resolveHandleSchema,
    });
    return response.data.did;
  });
}

async function resolveDidDocument(ctx: BlueskyContext, did: string): Promise<DidDocument> {
  let url: string;
  let untrusted = false;
  if (did.startsWith('did:plc:')) {
    url = `${ctx.plcDirectoryUrl.replace(/\/+$/, '')}/${did}`;
  } else if (did.startsWith('did:web:') && !did.slice('did:web:'.length).includes(':')) {
    // The host comes from the user: fetch it through the SSRF guard.
    url = ctx.didWebUrl(decodeURIComponent(did.slice('did:web:'.length)));
    untrusted = true;
  } else {
    throw blueskyError('bad-request', RESOLVE_DID, `${did} is not a did:plc or host-level did:web identity`);
  }
  const document = await classified('call', RESOLVE_DID, async () => {
    const response = await ctx.http.request({
      url,
      endpoint: RESOLVE_DID,
      untrusted,
      schema: didDocumentSchema,
    });
    return response.data;
  });
  if (document.id !== did)
    throw blueskyError('bad-request', RESOLVE_DID, `the DID document of ${did} names ${document.id}`);
  return document;
}

/** The first `#atproto_pds` service of type AtprotoPersonalDataServer, as an origin URL. */
export function pdsFromDocument(document: DidDocument): string | undefined {
  const service = (document.service ?? []).find(
    (entry) => entry.id.endsWith('#atproto_pds') && entry.type === 'AtprotoPersonalDataServer',
  );
  const endpoint = service?.serviceEndpoint;
  if (typeof endpoint !== 'string' || !URL.canParse(endpoint)) return undefined;
  const url = new URL(endpoint);
  // The spec asks for HTTPS; plain HTTP only for a PDS on this machine (development, tests).
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  return url.protocol === 'https:' || (url.protocol === 'http:' && local) ? url.origin : undefined;
}

/** The PDS hosting `did`, from its DID document. */
export async function findPds(ctx: BlueskyContext, did: string): Promise<string> {
  const pds = pdsFromDocument(await resolveDidDocument(ctx, did));
  if (!pds)
    throw blueskyError(
      'bad-request',
      RESOLVE_DID,
      `the DID document of ${did} names no usable #atproto_pds service`,
    );
  return pds;
}

/** The `exp` of a JWT, when it can be read; the token is not verified (the PDS does that). */
export function jwtExpiry(jwt: string): Date | undefined {
  const payload = jwt.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' && Number.isFinite(claims.exp)
      ? new Date(claims.exp * 1000)
      : undefined;
  } catch {
    return undefined;
  }
}

function credentialsOf(session: Session): Credentials {
  return {
    accessToken: session.accessJwt,
    refreshToken: session.refreshJwt,
    expiresAt: jwtExpiry(session.accessJwt),
  };
}

function assertActive(session: Session, endpoint: string): void {
  const status = session.status ?? (session.active === false ? 'inactive' : 'active');
  if (status !== 'active') {
    throw blueskyError(
      'revoked',
      endpoint,
      `the account is ${status}`,
      'Reactivate the account on Bluesky, then connect it again.',
    );
  }
}

async function createSession(
  ctx: BlueskyContext,
  pds: string,
  identifier: string,
  password: string,
): Promise<Session> {
  return classified('login', CREATE_SESSION, async () => {
    const response = await ctx.http.request({
      method: 'POST',
      url: xrpcUrl(pds, 'com.atproto.server.createSession'),
      endpoint: CREATE_SESSION,
      json: { identifier, password },
      untrusted: pds !== ctx.entrywayUrl,
      schema: sessionSchema,
    });
    return response.data;
  });
}

/** Where to sign in, and as whom: a handle or DID is resolved first; an email signs in at the entryway. */
async function signIn(
  ctx: BlueskyContext,
  identifier: string,
  password: string,
): Promise<{ session: Session; pds: string }> {
  if (identifier.includes('@')) {
    const session = await createSession(ctx, ctx.entrywayUrl, identifier, password);
    return { session, pds: await findPds(ctx, session.did) };
  }
  if (!DID.test(identifier) && !isHandle(identifier)) {
    throw blueskyError('bad-request', CREATE_SESSION, `"${identifier}" is not a Bluesky handle or DID`);
  }
  const did = identifier.startsWith('did:') ? identifier : await resolveHandle(ctx, identifier.toLowerCase());
  const pds = await findPds(ctx, did);
  const session = await createSession(ctx, pds, identifier, password);
  if (session.did !== did) {
    throw blueskyError('bad-request', CREATE_SESSION, `${pds} signed in ${session.did}, not ${did}`);
  }
  return { session, pds };
}

/** Sign in with a handle (or DID, or email) and an app password; the password is not kept. */
export async function login(
  ctx: BlueskyContext,
  identifier: string,
  password: string,
): Promise<LinkedAccount> {
  const { session, pds } = await signIn(ctx, identifier.trim().replace(/^@(?=[^@]+$)/, ''), password);
  assertActive(session, CREATE_SESSION);
  const profile = await classified('call', GET_PROFILE, async () => {
    const response = await ctx.http.request({
      url: xrpcUrl(pds, 'app.bsky.actor.getProfile'),
      endpoint: GET_PROFILE,
      query: { actor: session.did },
      bearer: session.accessJwt,
      untrusted: true,
      schema: profileViewDetailedSchema,
    });
    return response.data;
  });
  const avatar = profile.avatar && /^https?:\/\//.test(profile.avatar) ? profile.avatar : undefined;
  return {
    profile: {
      accountId: session.did,
      handle: profile.handle,
      displayName: profile.displayName || profile.handle,
      avatarUrl: avatar,
      profileUrl: `${BLUESKY_WEB_URL}/profile/${profile.handle}`,
      instanceUrl: pds,
    },
    credentials: credentialsOf(session),
  };
}

/** A new session pair from the refresh JWT; a refused refresh means the account must sign in again. */
export async function refreshSession(ctx: BlueskyContext, account: AccountRef): Promise<Credentials> {
  const refreshToken = account.credentials?.refreshToken;
  if (!refreshToken) {
    throw blueskyError(
      'revoked',
      REFRESH_SESSION,
      'the account has no refresh token',
      'Sign in to Bluesky again: /herald connect bluesky',
    );
  }
  const pds = account.instanceUrl ?? ctx.entrywayUrl;
  const session = await classified('refresh', REFRESH_SESSION, async () => {
    const response = await ctx.http.request({
      method: 'POST',
      url: xrpcUrl(pds, 'com.atproto.server.refreshSession'),
      endpoint: REFRESH_SESSION,
      bearer: refreshToken,
      untrusted: pds !== ctx.entrywayUrl,
      schema: sessionSchema,
    });
    return response.data;
  });
  assertActive(session, REFRESH_SESSION);
  if (session.did !== account.accountId) {
    throw blueskyError(
      'revoked',
      REFRESH_SESSION,
      `the session belongs to ${session.did}, not ${account.accountId}`,
    );
  }
  return credentialsOf(session);
}

/** End the session at the PDS (`deleteSession` with the refresh JWT); a session already gone is fine. */
export async function deleteSession(ctx: BlueskyContext, account: AccountRef): Promise<void> {
  const refreshToken = account.credentials?.refreshToken;
  if (!refreshToken) return;
  const pds = account.instanceUrl ?? ctx.entrywayUrl;
  try {
    await classified('refresh', DELETE_SESSION, () =>
      ctx.http.request({
        method: 'POST',
        url: xrpcUrl(pds, 'com.atproto.server.deleteSession'),
        endpoint: DELETE_SESSION,
        bearer: refreshToken,
        untrusted: pds !== ctx.entrywayUrl,
      }),
    );
  } catch (err) {
    // "revoked" here means the PDS no longer honours the token: what revoking was for.
    if ((err as { kind?: unknown }).kind !== 'revoked') throw err;
  }
}
