import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyring } from '../../../core/crypto.js';
import {
  findSlackInstall,
  removeSlackInstall,
  storeSlackInstall,
} from '../../../core/slack-installations.js';
import { TEST_KEY } from '../../support/config.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

describe('Slack workspace installs', () => {
  let db: TestDatabase;
  const keyring = createKeyring(Buffer.from(TEST_KEY, 'base64'));
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db.drop());

  const install = (token: string) => ({
    teamId: 'T0INSTALL',
    teamName: 'Acme',
    botToken: token,
    botUserId: 'UBOT',
    installedBy: 'UADMIN',
  });

  it('GIVEN an install THEN its token is stored encrypted, read back, replaced on a re-install, and gone after an uninstall', async () => {
    const tenantId = await storeSlackInstall(db.pool, keyring, install('xoxb-first'));
    const stored = await db.pool.query<{ bot_token_enc: string }>(
      'SELECT bot_token_enc FROM tenants WHERE id = $1',
      [tenantId],
    );
    expect(stored.rows[0]!.bot_token_enc).not.toContain('xoxb');
    expect(await findSlackInstall(db.pool, keyring, 'T0INSTALL')).toEqual({
      tenantId,
      ...install('xoxb-first'),
    });

    expect(await storeSlackInstall(db.pool, keyring, install('xoxb-second'))).toBe(tenantId);
    expect((await findSlackInstall(db.pool, keyring, 'T0INSTALL'))?.botToken).toBe('xoxb-second');

    expect(await removeSlackInstall(db.pool, 'T0INSTALL')).toBe(true);
    expect(await findSlackInstall(db.pool, keyring, 'T0INSTALL')).toBeUndefined();
    expect(await findSlackInstall(db.pool, keyring, 'T0NEVER')).toBeUndefined();
  });
});
