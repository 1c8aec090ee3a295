-- Herald's data model (DESIGN.md, Storage). Rules the database can enforce live here: uniqueness that
-- makes imports and deliveries idempotent, tenant scoping through composite foreign keys, and a check
-- constraint on every status column. Columns ending in _enc hold AES-256-GCM ciphertext (core/crypto.ts)
-- and are listed in core/secret-columns.ts so key rotation re-encrypts them.

-- A Discord guild or a Slack workspace: everything else belongs to exactly one.
CREATE TABLE tenants (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  chat_platform    text NOT NULL CHECK (chat_platform IN ('discord', 'slack')),
  external_id      text NOT NULL CHECK (external_id <> ''),
  name             text NOT NULL DEFAULT '',
  time_zone        text NOT NULL DEFAULT 'UTC',
  -- Slack workspace installs: the bot token of that workspace (Discord uses one global bot token).
  bot_token_enc    text,
  bot_user_id      text,
  installed_by     text,
  -- Role (Discord) or user group (Slack) whose members may publish, besides admins.
  publisher_role   text,
  status           text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'uninstalled')),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (chat_platform, external_id)
);

-- A social account linked by a tenant. The same platform account may be linked by two tenants
-- independently; linking it again within one tenant updates this row instead of adding one.
CREATE TABLE social_accounts (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id             uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  platform              text NOT NULL CHECK (platform IN ('x', 'bluesky', 'mastodon', 'instagram', 'linkedin',
                          'facebook', 'threads', 'youtube', 'tiktok', 'pinterest', 'reddit', 'rss')),
  platform_account_id   text NOT NULL CHECK (platform_account_id <> ''),
  handle                text NOT NULL DEFAULT '',
  display_name          text NOT NULL DEFAULT '',
  avatar_url            text,
  profile_url           text,
  -- Mastodon instance, Bluesky PDS or feed URL: where this account's API lives when it is per account.
  instance_url          text,
  access_token_enc      text,
  refresh_token_enc     text,
  token_expires_at      timestamptz,
  scopes                text[] NOT NULL DEFAULT '{}',
  -- Provider-specific position in the account's timeline (since_id, cursor, ETag, ...).
  cursor                jsonb,
  poll_interval_seconds integer CHECK (poll_interval_seconds IS NULL OR poll_interval_seconds >= 10),
  next_poll_at          timestamptz NOT NULL DEFAULT now(),
  last_polled_at        timestamptz,
  status                text NOT NULL DEFAULT 'active'
                          CHECK (status IN ('active', 'needs_reconnect', 'paused')),
  status_reason         text,
  consecutive_failures  integer NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
  last_error            text,
  last_error_at         timestamptz,
  -- Whether the channels were already told about the current problem (tell once, not every poll).
  problem_notified_at   timestamptz,
  linked_by             text,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, platform, platform_account_id),
  -- Target of the tenant-scoped foreign keys below.
  UNIQUE (id, tenant_id)
);

-- The poll scheduler: active accounts whose next poll has come.
CREATE INDEX social_accounts_due_idx ON social_accounts (next_poll_at) WHERE status = 'active';
CREATE INDEX social_accounts_tenant_idx ON social_accounts (tenant_id, platform);

-- One account mapped to one chat channel of the same tenant, with its filters.
CREATE TABLE feeds (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id         uuid NOT NULL,
  account_id        uuid NOT NULL,
  channel_id        text NOT NULL CHECK (channel_id <> ''),
  -- Hashtags, keywords, exclusions, minimum engagement, kinds, media-only, regex (core/filters).
  filters           jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(filters) = 'object'),
  mention_role_id   text,
  paused            boolean NOT NULL DEFAULT false,
  -- Posts older than this are history: delivered only when the admin asked for a backfill.
  deliver_since     timestamptz NOT NULL DEFAULT now(),
  backfill_count    integer NOT NULL DEFAULT 0 CHECK (backfill_count BETWEEN 0 AND 50),
  created_by        text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  -- A feed's account belongs to the feed's tenant, and removing the account removes its feeds.
  FOREIGN KEY (account_id, tenant_id) REFERENCES social_accounts (id, tenant_id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
  -- Two feeds of one account in one channel would post every match twice.
  UNIQUE (account_id, channel_id)
);

CREATE INDEX feeds_tenant_channel_idx ON feeds (tenant_id, channel_id);

-- Every post seen on a linked account, normalised (core/social-post.ts), deduplicated per account.
CREATE TABLE social_posts (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id        uuid NOT NULL REFERENCES social_accounts (id) ON DELETE CASCADE,
  platform_post_id  text NOT NULL CHECK (platform_post_id <> ''),
  kind              text NOT NULL CHECK (kind IN ('post', 'repost', 'reply', 'quote')),
  permalink         text NOT NULL,
  published_at      timestamptz NOT NULL,
  -- The whole SocialPost as last seen; metrics are refreshed on every sighting.
  post              jsonb NOT NULL CHECK (jsonb_typeof(post) = 'object'),
  first_seen_at     timestamptz NOT NULL DEFAULT now(),
  last_seen_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, platform_post_id)
);

CREATE INDEX social_posts_account_published_idx ON social_posts (account_id, published_at DESC);

-- One post to one feed's channel: the unit of exactly-once delivery.
CREATE TABLE deliveries (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  feed_id           uuid NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
  post_id           bigint NOT NULL REFERENCES social_posts (id) ON DELETE CASCADE,
  status            text NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'sending', 'delivered', 'failed', 'skipped')),
  -- Deterministic per delivery so a retried send is recognised by the chat platform (Discord nonce).
  nonce             text NOT NULL,
  chat_message_id   text,
  attempts          integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error        text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  delivered_at      timestamptz,
  UNIQUE (feed_id, post_id),
  CHECK (status <> 'delivered' OR (chat_message_id IS NOT NULL AND delivered_at IS NOT NULL))
);

-- Outstanding work per feed, and a post's deliveries.
CREATE INDEX deliveries_open_idx ON deliveries (feed_id, created_at) WHERE status IN ('pending', 'sending');
CREATE INDEX deliveries_post_idx ON deliveries (post_id);

-- One row per poll of an account.
CREATE TABLE import_logs (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id      uuid NOT NULL REFERENCES social_accounts (id) ON DELETE CASCADE,
  trigger         text NOT NULL DEFAULT 'schedule' CHECK (trigger IN ('schedule', 'manual', 'push', 'backfill')),
  status          text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
  started_at      timestamptz NOT NULL DEFAULT now(),
  finished_at     timestamptz,
  fetched         integer NOT NULL DEFAULT 0 CHECK (fetched >= 0),
  new_posts       integer NOT NULL DEFAULT 0 CHECK (new_posts >= 0),
  delivered       integer NOT NULL DEFAULT 0 CHECK (delivered >= 0),
  filtered_out    integer NOT NULL DEFAULT 0 CHECK (filtered_out >= 0),
  error           text,
  CHECK ((status = 'running') = (finished_at IS NULL))
);

CREATE INDEX import_logs_account_started_idx ON import_logs (account_id, started_at DESC);
CREATE INDEX import_logs_started_idx ON import_logs (started_at);

-- A post written in chat (or through the API) to publish on one or more accounts.
CREATE TABLE outbound_posts (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id         uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  created_by        text NOT NULL,
  source            text NOT NULL DEFAULT 'chat' CHECK (source IN ('chat', 'api', 'cli')),
  -- Thread items, each { text, media: [...] }.
  content           jsonb NOT NULL CHECK (jsonb_typeof(content) = 'array' AND jsonb_array_length(content) > 0),
  tags              text[] NOT NULL DEFAULT '{}',
  status            text NOT NULL DEFAULT 'scheduled'
                      CHECK (status IN ('draft', 'scheduled', 'publishing', 'published', 'partial', 'failed', 'cancelled')),
  scheduled_for     timestamptz,
  idempotency_key   text,
  error             text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  completed_at      timestamptz,
  UNIQUE (tenant_id, idempotency_key),
  UNIQUE (id, tenant_id)
);

CREATE INDEX outbound_posts_tenant_created_idx ON outbound_posts (tenant_id, created_at DESC);
CREATE INDEX outbound_posts_scheduled_idx ON outbound_posts (scheduled_for) WHERE status = 'scheduled';

-- One outbound post on one account: each target is its own step, so a retry never republishes a
-- target that succeeded. History survives the account being unlinked (account_id becomes NULL).
CREATE TABLE outbound_targets (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  outbound_post_id  uuid NOT NULL REFERENCES outbound_posts (id) ON DELETE CASCADE,
  account_id        uuid REFERENCES social_accounts (id) ON DELETE SET NULL,
  platform          text NOT NULL,
  -- How it goes out: directly through the platform's API, or through an aggregator.
  via               text NOT NULL DEFAULT 'direct' CHECK (via IN ('direct', 'postforme', 'late')),
  status            text NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'publishing', 'unknown', 'published', 'failed', 'cancelled')),
  platform_post_id  text,
  url               text,
  error             text,
  attempts          integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  published_at      timestamptz,
  updated_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (outbound_post_id, account_id),
  CHECK (status <> 'published' OR published_at IS NOT NULL)
);

CREATE INDEX outbound_targets_account_idx ON outbound_targets (account_id, published_at DESC);

-- One pending "connect an account" flow. Only a hash of the state is kept; it works once.
CREATE TABLE oauth_states (
  state_hash          bytea PRIMARY KEY CHECK (octet_length(state_hash) = 32),
  tenant_id           uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  user_id             text NOT NULL,
  platform            text NOT NULL,
  pkce_verifier_enc   text,
  instance_url        text,
  -- Set when the flow reconnects an existing account rather than linking a new one.
  account_id          uuid REFERENCES social_accounts (id) ON DELETE CASCADE,
  created_at          timestamptz NOT NULL DEFAULT now(),
  expires_at          timestamptz NOT NULL,
  used_at             timestamptz,
  CHECK (expires_at > created_at)
);

CREATE INDEX oauth_states_expires_idx ON oauth_states (expires_at);

-- A tenant's own aggregator keys (PostForMe, LATE); global keys come from config.
CREATE TABLE aggregator_credentials (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  aggregator    text NOT NULL CHECK (aggregator IN ('postforme', 'late')),
  api_key_enc   text NOT NULL,
  created_by    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, aggregator)
);

-- Liveness of worker processes: /healthz reports unhealthy when no worker has beaten recently.
CREATE TABLE worker_heartbeats (
  worker_id     text PRIMARY KEY,
  hostname      text NOT NULL,
  pid           integer NOT NULL,
  started_at    timestamptz NOT NULL,
  beat_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX worker_heartbeats_beat_idx ON worker_heartbeats (beat_at DESC);
