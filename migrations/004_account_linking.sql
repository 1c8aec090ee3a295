-- Linking accounts through the platforms' OAuth pages on Herald's web server.
--
-- oauth_states rows start keyed by the hash of the one-time link shown in chat; opening the link
-- re-keys the row by the hash of the OAuth state sent to the platform (so the link works once, and
-- neither secret is ever stored in clear). The chat channel is where the confirmation goes.
ALTER TABLE oauth_states
  -- The link's hash stays, so a second use is told "already used" rather than "unknown".
  ADD COLUMN link_hash bytea UNIQUE CHECK (octet_length(link_hash) = 32),
  ADD COLUMN chat_channel_id text,
  -- Where the private "linked" confirmation goes (an interaction or response URL), encrypted.
  ADD COLUMN follow_up_enc text,
  -- Set when the link was opened and the flow handed to the platform.
  ADD COLUMN started_at timestamptz;

-- Mastodon: one app registered per instance, on first use, then reused by every tenant.
CREATE TABLE mastodon_apps (
  instance_url       text PRIMARY KEY CHECK (instance_url ~ '^https?://[^/]+$'),
  client_id          text NOT NULL CHECK (client_id <> ''),
  client_secret_enc  text NOT NULL,
  redirect_uri       text NOT NULL,
  scopes             text[] NOT NULL DEFAULT '{}',
  created_at         timestamptz NOT NULL DEFAULT now()
);
