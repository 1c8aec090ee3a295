/**
 * Every database column that holds a secret encrypted with core/crypto.ts. Key rotation re-encrypts
 * exactly these; a test fails when a migration adds an `*_enc` column that is not listed here.
 */
export interface SecretColumn {
  readonly table: string;
  /** The primary key column(s), to update one row at a time. */
  readonly key: readonly string[];
  readonly column: string;
}

export const SECRET_COLUMNS: readonly SecretColumn[] = [
  { table: 'tenants', key: ['id'], column: 'bot_token_enc' },
  { table: 'social_accounts', key: ['id'], column: 'access_token_enc' },
  { table: 'social_accounts', key: ['id'], column: 'refresh_token_enc' },
  { table: 'oauth_states', key: ['state_hash'], column: 'pkce_verifier_enc' },
  { table: 'oauth_states', key: ['state_hash'], column: 'follow_up_enc' },
  { table: 'outbound_posts', key: ['id'], column: 'follow_up_enc' },
  { table: 'aggregator_credentials', key: ['id'], column: 'api_key_enc' },
  { table: 'mastodon_apps', key: ['instance_url'], column: 'client_secret_enc' },
];
