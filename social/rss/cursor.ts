/**
 * Which feed items are new. Feeds have no "since id": a poll gets the whole document again, so the
 * cursor remembers the items already returned (short hashes of their ids, the most recent 200) and
 * the newest date seen, plus the validators for a conditional GET. Items without dates work through
 * the seen list alone.
 */
import { createHash } from 'node:crypto';
import type { Cursor } from '../provider.js';
import { rssCursorSchema, type RssCursorState } from './schemas.js';

/** Items returned on the first poll: enough for a backfill, never a whole archive. */
export const FIRST_POLL_LIMIT = 20;
/** Items considered per poll and ids remembered; older items are never reported as new. */
export const SEEN_LIMIT = 200;
/**
 * How far before the newest date already seen an unseen item may be dated and still count as new
 * (a post published late with its draft date, a moderated Reddit post approved later). Beyond it,
 * an unseen item is an old one whose id changed, and must not be delivered again.
 */
export const BACKDATE_GRACE_MS = 48 * 60 * 60 * 1000;
/** Dates further ahead than this are feed bugs; they must not become `newest` and hide every later item. */
const FUTURE_TOLERANCE_MS = 24 * 60 * 60 * 1000;

export interface CursorItem {
  /** The item's platform id. */
  readonly id: string;
  readonly publishedAt: Date | undefined;
}

/** The cursor's state, or null when there is none or it is unreadable (the next poll then starts afresh). */
export function readCursor(cursor: Cursor | null): RssCursorState | null {
  if (cursor === null) return null;
  const parsed = rssCursorSchema.safeParse(cursor);
  return parsed.success ? parsed.data : null;
}

export function writeCursor(state: RssCursorState): Cursor {
  const { avatar, ...rest } = state;
  return avatar === undefined ? rest : { ...rest, avatar };
}

/** 64 bits of SHA-256, base64url: collisions are negligible among 200 ids and the cursor stays small. */
export function seenKey(id: string): string {
  return createHash('sha256').update(id).digest('base64url').slice(0, 11);
}

/**
 * The items in recency order, at most SEEN_LIMIT, without repeated ids: by date when every item has
 * one, else in document order (feeds list newest first by convention).
 */
export function byRecency<T extends CursorItem>(items: readonly T[]): T[] {
  const firstById = new Map<string, T>();
  for (const item of items) if (!firstById.has(item.id)) firstById.set(item.id, item);
  const unique = [...firstById.values()];
  const dated = unique.every((item) => item.publishedAt !== undefined);
  const ordered = dated
    ? [...unique].sort((a, b) => (b.publishedAt?.getTime() ?? 0) - (a.publishedAt?.getTime() ?? 0))
    : unique;
  return ordered.slice(0, SEEN_LIMIT);
}

/** The items to return: the latest few on a first poll, else those not seen before and not backdated. */
export function selectNew<T extends CursorItem>(recent: readonly T[], state: RssCursorState | null): T[] {
  if (state === null) return recent.slice(0, FIRST_POLL_LIMIT);
  const seen = new Set(state.seen.split(' ').filter(Boolean));
  const floor = state.newest === null ? undefined : Date.parse(state.newest) - BACKDATE_GRACE_MS;
  return recent.filter((item) => {
    if (seen.has(seenKey(item.id))) return false;
    return floor === undefined || item.publishedAt === undefined || item.publishedAt.getTime() >= floor;
  });
}

/** The state after a poll that returned `recent` (the whole recency window, not only the new items). */
export function nextState(
  recent: readonly CursorItem[],
  previous: RssCursorState | null,
  validators: { etag: string | undefined; lastModified: string | undefined },
  now: Date,
): RssCursorState {
  const keys = recent.map((item) => seenKey(item.id));
  const current = new Set(keys);
  const carried = (previous?.seen ?? '').split(' ').filter((key) => key && !current.has(key));
  const limit = now.getTime() + FUTURE_TOLERANCE_MS;
  const times = recent
    .map((item) => item.publishedAt?.getTime())
    .filter((time): time is number => time !== undefined && time <= limit);
  if (previous?.newest) times.push(Date.parse(previous.newest));
  return {
    etag: validators.etag ?? null,
    lastModified: validators.lastModified ?? null,
    newest: times.length === 0 ? null : new Date(Math.max(...times)).toISOString(),
    seen: [...keys, ...carried].slice(0, SEEN_LIMIT).join(' '),
    ...(previous?.avatar === undefined ? {} : { avatar: previous.avatar }),
  };
}
