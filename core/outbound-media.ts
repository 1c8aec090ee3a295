/**
 * The images and videos of an outbound post, stored in PostgreSQL with it: every worker process can
 * read them when the post's time comes, and nothing depends on a chat platform's expiring URL.
 */
import type { Queryable } from './db/pool.js';

export interface NewMedia {
  readonly data: Uint8Array;
  readonly mimeType: string;
  readonly fileName: string;
}

export interface StoredMedia extends NewMedia {
  readonly position: number;
}

export async function storeMedia(db: Queryable, postId: string, media: readonly NewMedia[]): Promise<void> {
  for (const [position, item] of media.entries()) {
    await db.query(
      `INSERT INTO outbound_media (outbound_post_id, position, mime_type, byte_size, file_name, data)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [postId, position, item.mimeType, item.data.byteLength, item.fileName, Buffer.from(item.data)],
    );
  }
}

/** The post's media in order; empty when it has none (or their bytes were already cleaned up). */
export async function loadMedia(db: Queryable, postId: string): Promise<StoredMedia[]> {
  const { rows } = await db.query<{ position: number; mime_type: string; file_name: string; data: Buffer }>(
    `SELECT position, mime_type, file_name, data FROM outbound_media
      WHERE outbound_post_id = $1 AND data IS NOT NULL ORDER BY position`,
    [postId],
  );
  return rows.map((row) => ({
    position: row.position,
    mimeType: row.mime_type,
    fileName: row.file_name,
    data: new Uint8Array(row.data.buffer, row.data.byteOffset, row.data.byteLength),
  }));
}

/** Drop the bytes of posts finished (or cancelled) more than `days` ago; the facts stay for history. */
export async function pruneMedia(db: Queryable, days: number): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE outbound_media m SET data = NULL
       FROM outbound_posts p
      WHERE p.id = m.outbound_post_id AND m.data IS NOT NULL
        AND p.completed_at < now() - make_interval(days => $1)`,
    [days],
  );
  return rowCount ?? 0;
}
