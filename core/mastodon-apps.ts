/** The app Herald registered on each Mastodon instance (once, on first use), its secret encrypted. */
import type { Keyring } from './crypto.js';
import type { Queryable } from './db/pool.js';

export interface MastodonApp {
  readonly instanceUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
}

export async function findMastodonApp(
  db: Queryable,
  keyring: Keyring,
  instanceUrl: string,
): Promise<MastodonApp | undefined> {
  const { rows } = await db.query<{ client_id: string; client_secret_enc: string; redirect_uri: string }>(
    'SELECT client_id, client_secret_enc, redirect_uri FROM mastodon_apps WHERE instance_url = $1',
    [instanceUrl],
  );
  const row = rows[0];
  return row
    ? {
        instanceUrl,
        clientId: row.client_id,
        clientSecret: keyring.decrypt(row.client_secret_enc),
        redirectUri: row.redirect_uri,
      }
    : undefined;
}

/** Keep a newly registered app; when two registered at once, the first stored wins and is returned. */
export async function storeMastodonApp(
  db: Queryable,
  keyring: Keyring,
  app: MastodonApp & { readonly scopes: readonly string[] },
): Promise<MastodonApp> {
  await db.query(
    `INSERT INTO mastodon_apps (instance_url, client_id, client_secret_enc, redirect_uri, scopes)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (instance_url) DO NOTHING`,
    [app.instanceUrl, app.clientId, keyring.encrypt(app.clientSecret), app.redirectUri, [...app.scopes]],
  );
  return (await findMastodonApp(db, keyring, app.instanceUrl)) ?? app;
}
