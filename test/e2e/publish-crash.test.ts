/**
 * Publishing run by real worker processes: a worker SIGKILLed after X stored the tweet but before
 * its answer was recorded, then another worker started, leaves exactly one tweet, recorded as the
 * post's link. X refuses a second identical tweet, and reposting would also be a visible duplicate:
 * only looking for the tweet first gets this right.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { linkAccount } from '../../core/account-store.js';
import { createKeyring } from '../../core/crypto.js';
import { createOutboundPost } from '../../core/outbound-store.js';
import { recoverDeadWorkers } from '../../core/worker-heartbeats.js';
import { startXFake, X_FAKE_CLIENT, type XFake } from '../fakes/x.js';
import { TEST_KEY } from '../support/config.js';
import {
  createProcessWorld,
  killLeftoverWorkers,
  waitUntil,
  type ProcessWorld,
  type WorkerProcess,
} from '../support/pipeline-process.js';

const keyring = createKeyring(Buffer.from(TEST_KEY, 'base64'));

describe('publishing in worker processes', () => {
  let world: ProcessWorld | undefined;
  let x: XFake | undefined;

  afterEach(async () => {
    await world?.close();
    await x?.close();
    world = undefined;
    x = undefined;
  });
  afterAll(killLeftoverWorkers);

  it('GIVEN a worker SIGKILLed after X stored the tweet but before the answer was recorded WHEN another worker takes over THEN the tweet exists once and is recorded', async () => {
    const w = (world = await createProcessWorld());
    const fake = (x = await startXFake());
    const xEnv = {
      HERALD_X_API_URL: fake.url,
      HERALD_X_CLIENT_ID: X_FAKE_CLIENT.clientId,
      HERALD_X_CLIENT_SECRET: X_FAKE_CLIENT.clientSecret,
    };
    const tenantId = (
      await w.db.pool.query<{ id: string }>(`SELECT id FROM tenants WHERE chat_platform = 'discord'`)
    ).rows[0]!.id;
    const user = fake.addUser({ username: 'acmehq', name: 'Acme HQ' });
    const tokens = fake.issueTokens(user.id);
    const { id: accountId } = await linkAccount(w.db.pool, keyring, {
      tenantId,
      platform: 'x',
      platformAccountId: user.id,
      handle: user.username,
      displayName: 'Acme HQ',
      instanceUrl: undefined,
      profileUrl: undefined,
      avatarUrl: undefined,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      linkedBy: 'U1',
    });
    const held = fake.holdCreatedTweets();
    const { id: postId } = await createOutboundPost(w.db.pool, keyring, {
      tenantId,
      createdBy: 'U1',
      source: 'chat',
      items: [{ text: 'Herald survives a crash' }],
      targets: [{ accountId }],
    });
    const target = async () =>
      (
        await w.db.pool.query<{ status: string; platform_post_id: string | null; url: string | null }>(
          'SELECT status, platform_post_id, url FROM outbound_targets WHERE outbound_post_id = $1',
          [postId],
        )
      ).rows[0]!;
    const output = (worker: WorkerProcess) => () => worker.herald.output().stdout.slice(-4000);

    // A long HTTP timeout: the worker must die waiting for X's answer, not give up on it.
    const first = await w.startWorker('first', { ...xEnv, HERALD_HTTP_TIMEOUT_SECONDS: '120' });
    await waitUntil(
      'X stored the tweet and the target is publishing',
      async () => held.messages.length === 1 && (await target()).status === 'publishing',
      { diagnostics: output(first) },
    );
    const tweet = held.messages[0]!;
    expect((await first.kill()).signal).toBe('SIGKILL');
    held.release();
    expect(await target()).toMatchObject({ status: 'publishing', platform_post_id: null });

    // The dead worker still holds the job; Herald releases it once the worker missed its beats.
    await w.db.pool.query(`UPDATE worker_heartbeats SET beat_at = now() - interval '1 hour'`);
    expect(await recoverDeadWorkers(w.db.pool)).toEqual([expect.objectContaining({ jobs: 1 })]);

    const second = await w.startWorker('second', xEnv);
    await waitUntil('the target is published', async () => (await target()).status === 'published', {
      diagnostics: output(second),
    });
    expect(await target()).toMatchObject({ platform_post_id: tweet.id });
    const tweets = [...fake.state.tweets.values()].filter((t) => t.text === 'Herald survives a crash');
    expect(tweets).toHaveLength(1);
    expect(fake.requestsTo('POST', '/2/tweets')).toHaveLength(1);
    await second.stop();
  });
});
