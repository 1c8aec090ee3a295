import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type BotRuntime } from '../../../bot/runtime.js';
import { createKeyring } from '../../../core/crypto.js';
import { upsertTenant } from '../../../core/tenant-store.js';
import { createProviderRegistry, type ProviderRegistry } from '../../../social/registry.js';
import { startDiscordFake, type DiscordFake } from '../../fakes/discord/index.js';
import { TEST_KEY, testConfig } from '../../support/config.js';
import { createTestDatabase, testLogger, type TestDatabase } from '../../support/database.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

describe('GIVEN Discord configured WHEN the bot role starts', () => {
  let fake: DiscordFake;
  let registry: ProviderRegistry;
  let bot: BotRuntime | undefined;

  beforeAll(async () => {
    fake = await startDiscordFake({ heartbeatIntervalMs: 1_000 });
  });
  afterAll(async () => {
    await bot?.stop();
    await registry?.close();
    await fake?.close();
  });

  it('THEN Discord accepts the real catalogue’s commands, one per group, and the message command', async () => {
    const config = testConfig({
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_URL: fake.apiUrl,
    });
    registry = createProviderRegistry(config);
    const keyring = createKeyring(Buffer.from(TEST_KEY, 'base64'));
    bot = await startBot(config, { pool: db.pool, keyring, registry, logger: testLogger });
    const commands = fake.commands();
    expect(commands.map((c) => c.name).sort()).toEqual([
      'Publish to social',
      'api-key',
      'feed',
      'herald',
      'post',
      'social',
    ]);
    // Publishers may be a role without Manage Server: the message command is shown to them, as /post is.
    const fromMessage = commands.find((c) => c.name === 'Publish to social');
    expect(fromMessage).toMatchObject({ type: 3, default_member_permissions: null, contexts: [0] });
    expect(commands.find((c) => c.name === 'herald')?.default_member_permissions).toBeNull();
    // Every api-key subcommand is for admins: Discord hides the group from members without Manage Server.
    expect(commands.find((c) => c.name === 'api-key')?.default_member_permissions).not.toBeNull();
  });
});

describe('GIVEN the tenant store', () => {
  const tenant = (externalId: string, name: string) =>
    upsertTenant(db.pool, { chatPlatform: 'discord', externalId, name });

  it('THEN a guild is one tenant, renamed when its name changes, and active again after an uninstall', async () => {
    const first = await tenant('800000000000000001', 'Old name');
    expect(await tenant('800000000000000001', 'Old name')).toEqual(first);
    expect(await tenant('800000000000000001', '')).toEqual(first);
    const renamed = await tenant('800000000000000001', 'New name');
    expect(renamed).toEqual({ ...first, name: 'New name' });
    await db.pool.query(`UPDATE tenants SET status = 'uninstalled' WHERE id = $1`, [first.id]);
    await tenant('800000000000000001', 'New name');
    const { rows } = await db.pool.query(`SELECT status FROM tenants WHERE id = $1`, [first.id]);
    expect(rows).toEqual([{ status: 'active' }]);
    const slack = await upsertTenant(db.pool, {
      chatPlatform: 'slack',
      externalId: '800000000000000001',
      name: 'Same id elsewhere',
    });
    expect(slack.id).not.toBe(first.id);
  });
});
