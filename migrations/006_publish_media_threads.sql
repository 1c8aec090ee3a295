-- Images attached to a post, downloaded once when its preview was made (chat attachment URLs
-- expire). The bytes go when the post is done and a week has passed; the facts stay for history.
CREATE TABLE outbound_media (
  outbound_post_id  uuid NOT NULL REFERENCES outbound_posts (id) ON DELETE CASCADE,
  position          smallint NOT NULL CHECK (position >= 0 AND position < 4),
  mime_type         text NOT NULL,
  byte_size         integer NOT NULL CHECK (byte_size > 0),
  file_name         text NOT NULL,
  data              bytea,
  PRIMARY KEY (outbound_post_id, position)
);

-- A target's own items when they differ from the post's: a text split into a thread where one
-- platform's limit is too short for it.
ALTER TABLE outbound_targets
  ADD COLUMN content jsonb CHECK (content IS NULL OR (jsonb_typeof(content) = 'array' AND jsonb_array_length(content) > 0)),
  -- Through an aggregator: the account there ({ id, username, profileId }), and the aggregator's
  -- post id recorded before the result is known, so a retry asks for that post instead of posting.
  ADD COLUMN aggregator_account jsonb,
  ADD COLUMN aggregator_post_id text,
  ADD CONSTRAINT outbound_targets_route_check CHECK (via = 'direct' OR aggregator_account IS NOT NULL);

-- The spec's campaign label: shown and filterable in history.
ALTER TABLE outbound_posts ADD COLUMN campaign text CHECK (campaign IS NULL OR length(campaign) BETWEEN 1 AND 80);
CREATE INDEX outbound_posts_campaign_idx ON outbound_posts (tenant_id, campaign) WHERE campaign IS NOT NULL;
