-- The import pipeline: every (feed, post) pair evaluated gets a deliveries row carrying the filter
-- verdict, including posts held for engagement, filtered out, or skipped as history; feeds can be
-- paused by Herald with a reason; request budgets per platform live here so that every worker
-- process sees them.

ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check
  CHECK (status IN ('held', 'filtered', 'skipped', 'pending', 'sending', 'delivered', 'failed'));

ALTER TABLE deliveries
  -- The filter explanation (core/filter-evaluation.ts): what blocked the post or what it passed.
  ADD COLUMN verdict jsonb,
  -- Held for engagement: re-checked on every poll until this time, then filtered out.
  ADD COLUMN hold_until timestamptz,
  -- Copied from the post so deliveries of a feed are sent in publication order without a join.
  ADD COLUMN published_at timestamptz,
  ADD CONSTRAINT deliveries_hold_check CHECK ((status = 'held') = (hold_until IS NOT NULL));

UPDATE deliveries d SET published_at = p.published_at FROM social_posts p WHERE p.id = d.post_id;
ALTER TABLE deliveries ALTER COLUMN published_at SET NOT NULL;

DROP INDEX deliveries_open_idx;
-- The deliver task's next message of a feed: oldest publication first.
CREATE INDEX deliveries_open_idx ON deliveries (feed_id, published_at, id) WHERE status IN ('pending', 'sending');
-- Held posts re-checked by the poll of their account.
CREATE INDEX deliveries_held_idx ON deliveries (feed_id, hold_until) WHERE status = 'held';

ALTER TABLE feeds
  -- Set when Herald paused the feed itself (channel deleted, permission missing), not the admin.
  ADD COLUMN paused_reason text,
  -- The backfill of N posts is done once, at the feed's first poll.
  ADD COLUMN backfill_done boolean NOT NULL DEFAULT false,
  ADD CONSTRAINT feeds_paused_reason_check CHECK (paused_reason IS NULL OR paused);

-- When a platform says "no more requests until T", for everyone: keyed by platform and scope
-- ('app' for the whole application, or an account id for a per-user budget).
CREATE TABLE platform_budgets (
  platform    text NOT NULL,
  scope       text NOT NULL,
  remaining   integer,
  reset_at    timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (platform, scope)
);
