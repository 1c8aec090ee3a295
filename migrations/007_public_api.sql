-- Keys of the public HTTP API, per tenant. Only a SHA-256 of the key is kept: keys are 32 random
-- bytes, so a fast hash is as safe as a slow one and lets every request be checked with one index
-- lookup. The prefix is shown to tell keys apart; the key itself is shown once, when created.
CREATE TABLE api_keys (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
  prefix          text NOT NULL,
  key_hash        bytea NOT NULL UNIQUE CHECK (octet_length(key_hash) = 32),
  created_by      text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  last_used_at    timestamptz,
  revoked_at      timestamptz,
  -- The key's current rate-limit window: when it started and the requests counted in it.
  window_started  timestamptz,
  window_count    integer NOT NULL DEFAULT 0
);

CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id, created_at);

-- A POST retried with the same Idempotency-Key answers what the first one answered.
CREATE TABLE api_idempotency (
  tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 200),
  request_hash    bytea NOT NULL,
  status          integer NOT NULL,
  response        jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, idempotency_key)
);

CREATE INDEX api_idempotency_created_idx ON api_idempotency (created_at);
