/**
 * The secrets of an account-linking flow, stored only as SHA-256 hashes. A flow has two: the one-time
 * link an admin gets in chat, and the OAuth `state` Herald sends to the platform. Opening the link
 * swaps the first for the second (so the link works once); the callback consumes the state (so it
 * works once). Both expire 10 minutes after the command.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Keyring } from './crypto.js';
import type { Queryable } from './db/pool.js';
import type { SocialPlatform } from './platforms.js';

export const LINK_TTL_MS = 10 * 60_000;

/** 256 bits, URL-safe. */
export const newSecret = (): string => randomBytes(32).toString('base64url');
const hash = (secret: string): Buffer => createHash('sha256').update(secret).digest();

export interface LinkRequest {
  readonly tenantId: string;
  readonly userId: string;
  readonly platform: SocialPlatform;
  readonly instanceUrl?: string | undefined;
  /** Reconnecting this account rather than linking a new one. */
  readonly accountId?: string | undefined;
  readonly chatChannelId?: string | undefined;
  /** The chat adapter's handle for a private answer later (opaque, secret: stored encrypted). */
  readonly followUp?: string | undefined;
}

/** Record a linking flow; returns the one-time link secret to show the admin. */
export async function createLink(
  db: Queryable,
  keyring: Keyring,
  request: LinkRequest,
  now = new Date(),
): Promise<string> {
  const link = newSecret();
  await db.query(
    `INSERT INTO oauth_states (state_hash, link_hash, tenant_id, user_id, platform, instance_url, account_id,
                               chat_channel_id, created_at, expires_at, follow_up_enc)
     VALUES ($1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      hash(link),
      request.tenantId,
      request.userId,
      request.platform,
      request.instanceUrl ?? null,
      request.accountId ?? null,
      request.chatChannelId ?? null,
      now,
      new Date(now.getTime() + LINK_TTL_MS),
      request.followUp ? keyring.encrypt(request.followUp) : null,
    ],
  );
  return link;
}

export interface LinkFlow {
  readonly tenantId: string;
  readonly userId: string;
  readonly platform: SocialPlatform;
  readonly instanceUrl: string | undefined;
  readonly accountId: string | undefined;
  readonly chatChannelId: string | undefined;
  /** The PKCE verifier (once the link was opened). */
  readonly verifier: string | undefined;
  readonly followUp: string | undefined;
}

export type FlowProblem = 'unknown' | 'expired' | 'used' | 'wrong-platform';

interface FlowRow {
  tenant_id: string;
  user_id: string;
  platform: SocialPlatform;
  instance_url: string | null;
  account_id: string | null;
  chat_channel_id: string | null;
  pkce_verifier_enc: string | null;
  follow_up_enc: string | null;
  expires_at: Date;
  used_at: Date | null;
  started_at: Date | null;
}

const FLOW_COLUMNS = `tenant_id, user_id, platform, instance_url, account_id, chat_channel_id, pkce_verifier_enc,
  follow_up_enc, expires_at, used_at, started_at`;

function toFlow(row: FlowRow, keyring: Keyring): LinkFlow {
  return {
    tenantId: row.tenant_id,
    userId: row.user_id,
    platform: row.platform,
    instanceUrl: row.instance_url ?? undefined,
    accountId: row.account_id ?? undefined,
    chatChannelId: row.chat_channel_id ?? undefined,
    verifier: row.pkce_verifier_enc ? keyring.decrypt(row.pkce_verifier_enc) : undefined,
    followUp: row.follow_up_enc ? keyring.decrypt(row.follow_up_enc) : undefined,
  };
}

/** Why a link or state that matched no usable row failed, for a page that says what to do. */
async function diagnose(
  db: Queryable,
  column: 'link_hash' | 'state_hash',
  secretHash: Buffer,
  platform: SocialPlatform,
): Promise<FlowProblem> {
  const { rows } = await db.query<Pick<FlowRow, 'platform' | 'expires_at' | 'used_at' | 'started_at'>>(
    `SELECT platform, expires_at, used_at, started_at FROM oauth_states WHERE ${column} = $1`,
    [secretHash],
  );
  const row = rows[0];
  if (!row) return 'unknown';
  if (row.platform !== platform) return 'wrong-platform';
  const spent = column === 'link_hash' ? row.started_at : row.used_at;
  return spent ? 'used' : 'expired';
}

/**
 * Open a link: swaps it for the OAuth state sent to the platform and keeps the PKCE verifier
 * (encrypted). The link's secret stops working.
 */
export async function openLink(
  db: Queryable,
  keyring: Keyring,
  link: string,
  platform: SocialPlatform,
  handOff: { readonly state: string; readonly verifier: string },
): Promise<LinkFlow | FlowProblem> {
  const { rows } = await db.query<FlowRow>(
    `UPDATE oauth_states SET state_hash = $3, pkce_verifier_enc = $4, started_at = now()
      WHERE link_hash = $1 AND platform = $2 AND started_at IS NULL AND used_at IS NULL AND expires_at > now()
      RETURNING ${FLOW_COLUMNS}`,
    [hash(link), platform, hash(handOff.state), keyring.encrypt(handOff.verifier)],
  );
  const row = rows[0];
  return row ? toFlow(row, keyring) : diagnose(db, 'link_hash', hash(link), platform);
}

/** The platform came back with `state`: consume it (once) and return the flow it belongs to. */
export async function consumeState(
  db: Queryable,
  keyring: Keyring,
  state: string,
  platform: SocialPlatform,
): Promise<LinkFlow | FlowProblem> {
  const { rows } = await db.query<FlowRow>(
    `UPDATE oauth_states SET used_at = now()
      WHERE state_hash = $1 AND platform = $2 AND started_at IS NOT NULL AND used_at IS NULL AND expires_at > now()
      RETURNING ${FLOW_COLUMNS}`,
    [hash(state), platform],
  );
  const row = rows[0];
  return row ? toFlow(row, keyring) : diagnose(db, 'state_hash', hash(state), platform);
}
