/**
 * "Publish to social" on a message: the post modal pre-filled with the message's text and carrying
 * its files, published with them; and the bot token going only to Slack's file host, which refuses a
 * private file to anyone else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeServer, type FakeServer } from '../../fakes/fake-server.js';
import { startSlackFake } from '../../fakes/slack/index.js';
import { png, startPostWorld, type PostWorld } from './post-world.js';

const shown = (post: { text?: string; blocks?: readonly unknown[] }) =>
  `${post.text}\n${JSON.stringify(post.blocks)}`;

describe('the Publish to social message shortcut', () => {
  let world: PostWorld;
  let cdn: FakeServer;
  beforeAll(async () => {
    [world, cdn] = await Promise.all([startPostWorld(), startFakeServer()]);
    // Another host with an image: what a link in `image:` points at.
    cdn.on('GET', '/pic.png', () => ({
      status: 200,
      headers: { 'content-type': 'image/png' },
      body: png(20_000, 7),
    }));
  });
  afterAll(async () => {
    await cdn?.close();
    await world?.close();
  });

  it('GIVEN a message with text and an image THEN the modal is pre-filled, and its submission previews and publishes that image', async () => {
    const { slack, url, adminId, memberId, channelId, accounts, mastodon } = world;
    const photo = slack.uploadFile({ userId: memberId, name: 'team photo.png', data: png(40_000, 3) });
    const notes = slack.uploadFile({ userId: memberId, name: 'notes.txt', data: Buffer.from('hi') });
    const message = slack.addMessage(channelId, {
      byUser: memberId,
      text: 'We shipped &amp; it works: <https://example.com/launch|the launch post> <@U0OTHER|cat>',
      files: [photo.id, notes.id],
    });
    const used = await slack.sendMessageShortcut({
      url,
      userId: adminId,
      channelId,
      messageTs: message.ts,
      callbackId: 'publish_to_social',
    });
    expect(used.status).toBe(200);
    expect(used.payload.message.files).toHaveLength(2);
    await expect.poll(() => slack.views({ userId: adminId, callbackId: 'post-modal' }).length).toBe(1);
    const [view] = slack.views({ userId: adminId, callbackId: 'post-modal' });
    const blocks = JSON.stringify(view!.view.blocks);
    expect(blocks).toContain(
      '"initial_value":"We shipped & it works: the launch post (https://example.com/launch) @cat"',
    );
    expect(blocks).toContain('From the message: team photo.png');
    expect(blocks).toContain('notes.txt (not an image or video)');
    // One file came with the message: three more may be added.
    expect(blocks).toContain('"max_files":3');

    const submitted = await slack.submitView({
      url,
      viewId: view!.view.id,
      values: { accounts: [accounts.acme] },
    });
    expect(submitted.outcome).toBe('closed');
    const preview = await used.responseUrl!.post(0);
    expect(shown(preview)).toContain('1 file fit');
    expect(shown(preview)).toContain('We shipped');

    const ephemeral = slack.ephemerals({ userId: adminId }).findLast((e) => e.text === preview.text)!;
    const publishId = /"action_id":"(post-publish:[^"]+)"/.exec(JSON.stringify(preview.blocks))![1]!;
    const click = slack.payloads.blockActions({
      userId: adminId,
      channelId,
      messageTs: ephemeral.ts,
      actionId: publishId,
    });
    await slack.sendInteraction({ url, payload: click.payload });
    await expect
      .poll(() => mastodon.statuses.find((s) => String(s.content).includes('We shipped')))
      .toBeDefined();
    const status = mastodon.statuses.find((s) => String(s.content).includes('We shipped'))!;
    expect((status.media_attachments as unknown[]).length).toBe(1);
    expect(String(status.content)).toContain('https://example.com/launch');
  });

  it('GIVEN a private file URL THEN Slack’s file host gives it only to a token of its workspace with files:read', async () => {
    const { slack, memberId } = world;
    const data = png(1_000, 9);
    const file = slack.uploadFile({ userId: memberId, name: 'secret.png', data });
    const get = (token?: string) =>
      fetch(file.url_private, {
        redirect: 'manual',
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
    const anonymous = await get();
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('location')).toMatch(/^\/\?redir=/);
    expect((await get('xoxb-made-up')).status).toBe(302);
    const other = slack.addWorkspace({ scopes: ['files:read'] });
    expect((await get(other.botToken)).status).toBe(302);
    const allowed = await get(slack.botToken);
    expect(allowed.status).toBe(200);
    expect(Buffer.from(await allowed.arrayBuffer()).equals(data)).toBe(true);

    // A workspace that did not grant files:read gets the sign-in page too.
    const unscoped = await startSlackFake();
    try {
      const user = unscoped.addUser({ name: 'dee' });
      const theirs = unscoped.uploadFile({ userId: user, name: 'x.png', data });
      const refused = await fetch(theirs.url_private, {
        redirect: 'manual',
        headers: { authorization: `Bearer ${unscoped.botToken}` },
      });
      expect(refused.status).toBe(302);
    } finally {
      await unscoped.close();
    }
  });

  it('GIVEN an image on another host and a Slack file THEN Herald sends the bot token to Slack’s file host only', async () => {
    const { slack, url, adminId, channelId } = world;
    const filesBefore = slack.requests.filter((r) => r.path.startsWith('/files-pri/')).length;
    const sent = await slack.sendSlashCommand({
      url,
      userId: adminId,
      channelId,
      text: `post new text:"From elsewhere" accounts:acme image:${cdn.url}/pic.png`,
    });
    const preview = await sent.responseUrl!.post(0);
    expect(shown(preview)).toContain('1 file fit');
    const fetched = cdn.requestsTo('GET', '/pic.png');
    expect(fetched).toHaveLength(1);
    expect(fetched[0]!.headers.authorization).toBeUndefined();
    expect(slack.requests.filter((r) => r.path.startsWith('/files-pri/')).length).toBe(filesBefore);
  });
});
