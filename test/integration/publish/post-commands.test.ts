/**
 * `post new` / `post list` / `post cancel` through the catalogue, with the real worker publishing to
 * the Mastodon fake: preview first (counted the platform's way), nothing sent until Publish, a
 * schedule in the tenant's time zone, cancel before it runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantRef } from '../../../bot/commands/context.js';
import { createCatalogue, runAction, runCommand } from '../../../bot/commands/index.js';
import { parseWhen } from '../../../bot/commands/post.js';
import { slackFollowUp } from '../../../core/chat-follow-up.js';
import type { CommandResult, Reply } from '../../../bot/commands/reply.js';
import { linkAccount } from '../../../core/account-store.js';
import { createKeyring } from '../../../core/crypto.js';
import { createProviderRegistry, type ProviderRegistry } from '../../../social/registry.js';
import type { WorkerRuntime } from '../../../worker/runtime.js';
import { startMastodonFake, type MastodonFake } from '../../fakes/mastodon.js';
import { commandContext, createTenant } from '../../support/commands.js';
import { TEST_KEY, testConfig } from '../../support/config.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { startPublishWorker } from '../../support/publish-worker.js';

const keyring = createKeyring(Buffer.from(TEST_KEY, 'base64'));
const catalogue = createCatalogue({ heartbeatSeconds: 15 });
const asReply = (result: CommandResult): Reply => {
  if (result.kind !== 'reply') throw new Error(`expected a reply, got a ${result.kind}`);
  return result;
};
const allText = (r: Reply) =>
  [r.title, r.text, ...(r.fields ?? []).flatMap((f) => [f.name, f.value])].join('\n');

describe('posting from chat', () => {
  let db: TestDatabase;
  let mastodon: MastodonFake;
  let registry: ProviderRegistry;
  let worker: WorkerRuntime;
  let tenant: TenantRef;

  beforeAll(async () => {
    [db, mastodon] = await Promise.all([createTestDatabase(), startMastodonFake()]);
    const config = testConfig({ HERALD_ALLOW_LOOPBACK_URLS: 'true' });
    registry = createProviderRegistry(config);
    tenant = await createTenant(db.pool, '9001', 'Acme');
    await db.pool.query(`UPDATE tenants SET time_zone = 'Europe/Paris' WHERE id = $1`, [tenant.id]);
    const acme = mastodon.addAccount({ username: 'acme' });
    await linkAccount(db.pool, keyring, {
      tenantId: tenant.id,
      platform: 'mastodon',
      platformAccountId: String(acme.id),
      handle: 'acme',
      displayName: 'Acme',
      instanceUrl: mastodon.url,
      profileUrl: undefined,
      avatarUrl: undefined,
      accessToken: mastodon.issueToken(acme, ['read', 'write']),
      linkedBy: 'U1',
    });
    worker = await startPublishWorker(db.pool, keyring, registry, config);
  });
  afterAll(async () => {
    await worker?.stop();
    await registry?.close();
    await mastodon?.close();
    await db?.drop();
  });

  const ctx = (isAdmin = true) => ({
    ...commandContext({ pool: db.pool, keyring, registry, config: testConfig() }, tenant, { isAdmin }),
    // Where the chat adapter would have the result reported: a Slack-style response URL.
    followUp: slackFollowUp(`${mastodon.url}/response/abc`),
  });
  const run = async (path: string, raw: Record<string, string>, admin = true) =>
    asReply(await runCommand(catalogue, ctx(admin), path.split(' '), raw));
  const statuses = () => mastodon.statuses.map((s) => String(s.content));

  it('GIVEN a post THEN a private preview first, nothing sent until Publish, then it is out and listed', async () => {
    const preview = await run('post new', { text: 'Hello from Herald' });
    expect(preview.private).toBe(true);
    expect(allText(preview)).toContain('17/500');
    expect(statuses()).toEqual([]);
    const publish = preview.buttons!.find((b) => b.label === 'Publish')!;
    expect(asReply(await runAction(catalogue, ctx(), publish.actionId)).tone).toBe('success');
    await expect.poll(() => statuses().some((s) => s.includes('Hello from Herald'))).toBe(true);
    await expect.poll(async () => allText(await run('post list', {}))).toContain('published');
    // The result is reported privately where the command ran, with the link.
    await expect.poll(() => mastodon.requestsTo('POST', '/response/abc').length).toBe(1);
    const [report] = mastodon
      .requestsTo('POST', '/response/abc')
      .map((r) => r.json() as { text: string; response_type: string });
    expect(report!.response_type).toBe('ephemeral');
    expect(report!.text).toMatch(/^Your post is out\.\n✅ acme \(mastodon\): https?:\/\//);
    // The preview's button works once.
    expect(asReply(await runAction(catalogue, ctx(), publish.actionId)).tone).toBe('error');
  });

  it('GIVEN text over the platform’s limit THEN the preview says so and offers a thread, not a cut post', async () => {
    const preview = await run('post new', { text: 'x'.repeat(501) });
    expect(allText(preview)).toContain('501/500: too long for one Mastodon post; a thread of 2 (500 + 1)');
    expect(preview.buttons!.map((b) => b.label)).toEqual([
      'Publish, as a thread on Mastodon',
      'Edit',
      'Cancel',
    ]);
    await runAction(catalogue, ctx(), preview.buttons![2]!.actionId);
  });

  it('GIVEN a scheduled post WHEN its time comes THEN the worker publishes it then, not before', async () => {
    const preview = await run('post new', { text: 'On the dot', schedule: '2099-01-01 10:00' });
    expect(preview.buttons![0]!.label).toBe('Schedule');
    await runAction(catalogue, ctx(), preview.buttons![0]!.actionId);
    const postId = preview.buttons![0]!.actionId.split(':')[1]!;
    const job = await db.pool.query<{ run_at: Date }>(
      `SELECT run_at FROM graphile_worker.jobs WHERE key = 'publish:' || $1`,
      [postId],
    );
    expect(job.rows[0]!.run_at.toISOString()).toBe('2099-01-01T09:00:00.000Z');
    // The worker polls every 100 ms here: give it time to (wrongly) take the job early.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(statuses().some((s) => s.includes('On the dot'))).toBe(false);
    // Time passes: the job becomes due, as it would on 1 January 2099.
    await db.pool.query(
      `UPDATE graphile_worker._private_jobs SET run_at = now() WHERE key = 'publish:' || $1`,
      [postId],
    );
    await expect.poll(() => statuses().some((s) => s.includes('On the dot'))).toBe(true);
    await expect.poll(async () => allText(await run('post history', {}))).toContain('On the dot');
  });

  it('GIVEN a schedule THEN it is read in the server’s time zone and can be cancelled before it runs', async () => {
    const preview = await run('post new', { text: 'Later, in Paris', schedule: '2099-06-01 09:00' });
    expect(preview.title).toContain('2099-06-01 07:00 UTC');
    await runAction(catalogue, ctx(), preview.buttons![0]!.actionId);
    const id = /post cancel post:([0-9a-f-]{36})/.exec(allText(await run('post list', {})))![1]!;
    expect(allText(await run('post cancel', { post: id }))).toContain('Cancelled');
    const { rows } = await db.pool.query(`SELECT 1 FROM graphile_worker.jobs WHERE key = 'publish:' || $1`, [
      id,
    ]);
    expect(rows).toHaveLength(0);
    expect(statuses().some((s) => s.includes('Later, in Paris'))).toBe(false);
  });

  it('GIVEN herald timezone THEN schedules follow it, and a made-up zone is refused', async () => {
    expect((await run('herald timezone', { zone: 'Mars/Olympus_Mons' })).text).toContain(
      'is not a time zone name',
    );
    expect((await run('herald timezone', { zone: 'America/New_York' })).tone).toBe('success');
    const preview = await run('post new', { text: 'New York morning', schedule: '2099-01-15 09:00' });
    expect(preview.title).toContain('2099-01-15 14:00 UTC');
    await runAction(catalogue, ctx(), preview.buttons!.find((b) => b.label === 'Cancel')!.actionId);
    await run('herald timezone', { zone: 'Europe/Paris' });
  });

  it('GIVEN a member without admin rights THEN post new is refused', async () => {
    expect((await run('post new', { text: 'nope' }, false)).tone).toBe('error');
  });

  it('GIVEN a publisher role THEN its members may post, others may not, and clearing it ends that', async () => {
    const member = (inRole: boolean) => {
      const base = ctx(false);
      return { ...base, user: { ...base.user, memberOf: async (id: string) => inRole && id === 'R42' } };
    };
    const post = async (inRole: boolean) =>
      asReply(await runCommand(catalogue, member(inRole), ['post', 'new'], { text: 'From the social team' }));
    expect((await post(true)).tone).toBe('error');
    expect((await run('herald publishers', { role: 'R42' })).text).toContain('<@&R42> may publish now');
    const preview = await post(true);
    expect(preview.title).toContain('Preview');
    expect((await post(false)).text).toContain('herald publishers');
    // The preview's own buttons are for publishers too.
    const cancel = preview.buttons!.find((b) => b.label === 'Cancel')!.actionId;
    expect(asReply(await runAction(catalogue, member(false), cancel)).tone).toBe('error');
    expect(asReply(await runAction(catalogue, member(true), cancel)).tone).toBe('success');
    expect(
      asReply(await runCommand(catalogue, ctx(), ['herald', 'publishers'], { clear: true })).text,
    ).toContain('Only admins may publish now');
    expect((await post(true)).tone).toBe('error');
  });

  it.each([
    ['2026-03-29 03:30', 'Europe/Paris', '2026-03-29T01:30:00.000Z'],
    ['2026-07-01 12:00', 'America/New_York', '2026-07-01T16:00:00.000Z'],
    ['2026-07-01T12:00:00Z', 'Europe/Paris', '2026-07-01T12:00:00.000Z'],
  ])('GIVEN %s in %s THEN %s', (typed, zone, iso) => {
    expect(parseWhen(typed, zone)?.toISOString()).toBe(iso);
  });

  it('GIVEN nonsense for a time THEN no time', () => {
    expect(parseWhen('next tuesday-ish', 'UTC')).toBeUndefined();
  });
});
