/**
 * Hourly housekeeping: removes connect links that expired or were used, import logs past retention,
 * heartbeats of workers that stopped long ago, abandoned previews, and the bytes of old posts' images. Safe to run twice (deletes are idempotent).
 */
import type { Task } from 'graphile-worker';
import { z } from 'zod';
import type { Queryable } from '../../core/db/pool.js';
import { pruneMedia } from '../../core/outbound-media.js';

export const cleanupPayloadSchema = z.object({
  importLogRetentionDays: z.number().int().min(1).max(3650).default(30),
});
export type CleanupPayload = z.input<typeof cleanupPayloadSchema>;

export interface CleanupReport {
  readonly oauthStates: number;
  readonly importLogs: number;
  readonly heartbeats: number;
  readonly drafts: number;
  readonly media: number;
}

/** Days the bytes of a finished post's images are kept (a failed post can still be looked into). */
const MEDIA_RETENTION_DAYS = 7;

export async function runCleanup(
  db: Queryable,
  payload: z.output<typeof cleanupPayloadSchema>,
): Promise<CleanupReport> {
  const states = await db.query(
    `DELETE FROM oauth_states WHERE expires_at < now() - interval '1 hour' OR used_at < now() - interval '1 hour'`,
  );
  const logs = await db.query(
    `DELETE FROM import_logs WHERE started_at < now() - make_interval(days => $1) AND status <> 'running'`,
    [payload.importLogRetentionDays],
  );
  const beats = await db.query(`DELETE FROM worker_heartbeats WHERE beat_at < now() - interval '1 day'`);
  // A chat preview nobody published or cancelled within a day is abandoned; its images go with it.
  // (Drafts made through the API are the caller's to keep.)
  const drafts = await db.query(
    `DELETE FROM outbound_posts
      WHERE status = 'draft' AND source = 'chat' AND created_at < now() - interval '1 day'`,
  );
  const media = await pruneMedia(db, MEDIA_RETENTION_DAYS);
  return {
    oauthStates: states.rowCount ?? 0,
    importLogs: logs.rowCount ?? 0,
    heartbeats: beats.rowCount ?? 0,
    drafts: drafts.rowCount ?? 0,
    media,
  };
}

export function cleanupTask(db: Queryable): Task<'cleanup'> {
  return async (rawPayload, helpers) => {
    const payload = cleanupPayloadSchema.parse(rawPayload ?? {});
    const report = await runCleanup(db, payload);
    helpers.logger.info('cleanup finished', { ...report });
  };
}
