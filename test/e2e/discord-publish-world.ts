/**
 * The world of the publishing-from-Discord tests: Herald with every role in this process (bot,
 * worker, web) on a test database, logged in to the Discord fake, with X, Bluesky and Mastodon
 * accounts linked to the guild (straight in the database) and a publisher role that is not Manage
 * Server. Helpers read what people see and what each platform fake received.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PermissionFlagsBits, type APIMessage } from 'discord-api-types/v10';
import { startHerald, type RunningHerald } from '../../cli/app.js';
import { createKeyring } from '../../core/crypto.js';
import { upsertTenant } from '../../core/tenant-store.js';
import { startBlueskyFake, type BlueskyFake } from '../fakes/bluesky.js';
import { startDiscordFake, type DiscordFake } from '../fakes/discord/index.js';
import type { FakeServer } from '../fakes/fake-server.js';
import { startMastodonFake, type MastodonFake } from '../fakes/mastodon.js';
import { startXFake, X_FAKE_CLIENT, type XFake } from '../fakes/x.js';
import { TEST_KEY, testConfig } from '../support/config.js';
import { createTestDatabase, testLogger, type TestDatabase } from '../support/database.js';
import { freePort } from '../support/herald-process.js';
import { linkOnePerPlatform } from '../support/link-ref.js';

export interface PublishWorld {
  readonly db: TestDatabase;
  readonly discord: DiscordFake;
  readonly x: XFake;
  readonly bluesky: BlueskyFake;
  readonly mastodon: MastodonFake;
  readonly guildId: string;
  readonly channelId: string;
  /** Manage Server: an admin. */
  readonly adminId: string;
  /** In the role `herald publishers` named, without Manage Server. */
  readonly publisherId: string;
  /** Neither. */
  readonly memberId: string;
  close(): Promise<void>;
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** A file that starts as a PNG does, `bytes` long: what Herald's type sniffing reads. */
export const png = (bytes: number, fill: number): Buffer =>
  Buffer.concat([PNG, Buffer.alloc(bytes - PNG.length, fill)]);

/** The custom_id of the message's button labelled `label` (`Publish`, `Edit`, `Cancel`…). */
export function buttonOf(message: APIMessage, label: RegExp): string {
  for (const row of message.components ?? []) {
    for (const component of 'components' in row ? row.components : []) {
      if ('custom_id' in component && 'label' in component && label.test(component.label ?? ''))
        return component.custom_id;
    }
  }
  throw new Error(`No button ${label} on message ${message.id}: ${JSON.stringify(message.components)}`);
}

/** The files a fake received in multipart uploads to `path`, under form field `field`. */
export async function uploadedFiles(server: FakeServer, path: string, field: string): Promise<Buffer[]> {
  const files: Buffer[] = [];
  for (const request of server.requestsTo('POST', path)) {
    const headers = { 'content-type': request.headers['content-type'] ?? '' };
    const form = await new Response(new Uint8Array(request.body), { headers }).formData();
    const file = form.get(field);
    if (file instanceof Blob) files.push(Buffer.from(await file.arrayBuffer()));
  }
  return files;
}

export async function startPublishWorld(): Promise<PublishWorld> {
  const [db, discord, x, bluesky, mastodon] = await Promise.all([
    createTestDatabase(),
    startDiscordFake({ responseWindowMs: 10_000 }),
    startXFake(),
    startBlueskyFake(),
    startMastodonFake(),
  ]);
  const guildId = discord.addGuild({ name: 'Acme' });
  const channelId = discord.addChannel({ guildId, name: 'news' });
  const mods = discord.addRole(guildId, { name: 'mods', permissions: PermissionFlagsBits.ManageGuild });
  const socialTeam = discord.addRole(guildId, { name: 'social-team' });
  const world = {
    db,
    discord,
    x,
    bluesky,
    mastodon,
    guildId,
    channelId,
    adminId: discord.addMember(guildId, { username: 'ann', roles: [mods] }),
    publisherId: discord.addMember(guildId, { username: 'pat', roles: [socialTeam] }),
    memberId: discord.addMember(guildId, { username: 'bob' }),
  };
  const tenant = await upsertTenant(db.pool, { chatPlatform: 'discord', externalId: guildId, name: 'Acme' });
  await db.pool.query('UPDATE tenants SET publisher_role = $2 WHERE id = $1', [tenant.id, socialTeam]);
  await linkOnePerPlatform(
    world.db.pool,
    createKeyring(Buffer.from(TEST_KEY, 'base64')),
    tenant.id,
    world,
    world.adminId,
  );

  const dataDir = await mkdtemp(join(tmpdir(), 'herald-publish-'));
  let herald: RunningHerald | undefined;
  const close = async () => {
    await herald?.stop();
    await Promise.all([discord.close(), x.close(), bluesky.close(), mastodon.close()]);
    await db.drop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const config = testConfig({
      DATABASE_URL: db.url,
      HERALD_DATA_DIR: dataDir,
      PORT: String(await freePort()),
      HERALD_ALLOW_LOOPBACK_URLS: 'true',
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_API_URL: discord.apiUrl,
      HERALD_X_CLIENT_ID: X_FAKE_CLIENT.clientId,
      HERALD_X_CLIENT_SECRET: X_FAKE_CLIENT.clientSecret,
      HERALD_X_API_URL: x.url,
      HERALD_BLUESKY_API_URL: bluesky.url,
    });
    herald = await startHerald(config, testLogger, {
      role: 'all',
      crontab: '',
      providerOverrides: {
        x: { authUrl: x.url },
        bluesky: { plcDirectoryUrl: bluesky.plcDirectoryUrl, linkPreviews: false },
      },
    });
  } catch (err) {
    await close();
    throw err;
  }
  return { ...world, close };
}
