import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantRef } from '../../../bot/commands/context.js';
import { createCatalogue, runCommand } from '../../../bot/commands/index.js';
import type { CommandResult, Reply } from '../../../bot/commands/reply.js';
import type { WorkerRuntime } from '../../../worker/runtime.js';
import { commandContext } from '../../support/commands.js';
import { createPipelineWorld, rssFeed, type PipelineWorld } from '../../support/pipeline.js';

const catalogue = createCatalogue({ heartbeatSeconds: 15 });
const asReply = (result: CommandResult): Reply => {
  if (result.kind !== 'reply') throw new Error('expected a reply');
  return result;
};
const allText = (r: Reply) =>
  [r.title, r.text, ...(r.fields ?? []).flatMap((f) => [f.name, f.value])].join('\n');

describe('commands that need the worker: feed import-now and herald status', () => {
  let world: PipelineWorld;
  let worker: WorkerRuntime | undefined;
  let tenant: TenantRef;

  beforeAll(async () => {
    world = await createPipelineWorld();
    tenant = { id: world.tenantId, chatPlatform: 'slack', externalId: world.slack.teamId, name: 'Acme' };
  });
  afterAll(async () => {
    await worker?.stop();
    await world.close();
  });

  const ctx = () =>
    commandContext(
      { pool: world.db.pool, keyring: world.keyring, registry: world.registry, config: world.config },
      tenant,
    );
  const run = async (path: string, raw: Record<string, string | number | boolean> = {}) =>
    asReply(await runCommand(catalogue, ctx(), path.split(' '), raw));

  it('GIVEN no worker THEN herald status says posts are not flowing', async () => {
    const status = await run('herald status');
    expect(status.tone).toBe('warning');
    expect(allText(status)).toContain('not running');
  });

  it('GIVEN a running worker THEN import-now polls at once and reports what arrived, and status is fine', async () => {
    worker = await world.startWorker();
    const url = world.rss.setFeed('/import-now.xml', {
      body: rssFeed([
        { id: 'n1', title: 'Launch day', published: new Date(Date.now() - 60_000) },
        { id: 'n2', title: 'Notes', published: new Date(Date.now() - 30_000) },
      ]),
    });
    const accountId = await world.linkFeed(url);
    const { feedId, channelId } = await world.addFeed(accountId, {
      createdAt: new Date(Date.now() - 600_000),
      filters: { keywords: ['launch'] },
    });
    // Not due for a minute: only the command makes it poll now.
    await world.db.pool.query(
      `UPDATE social_accounts SET next_poll_at = now() + interval '1 hour' WHERE id = $1`,
      [accountId],
    );

    const answer = await run('feed import-now', { feed: feedId });
    expect(answer.tone).toBe('success');
    expect(answer.text).toBe('Checked: 2 new posts; 1 on the way to the channels, 1 filtered out.');
    await expect.poll(() => world.slack.messages(channelId).length, { timeout: 10_000 }).toBe(1);

    const status = await run('herald status');
    expect(allText(status)).toContain('🟢 running');
    expect(status.text).toBe('Everything looks fine.');
  });
});
