/**
 * Writing a post in Slack's modal, end to end: `/herald post` opens it with the workspace's accounts,
 * the submission (files uploaded in the modal, a date and time) becomes `post new`, the preview comes
 * back privately with its buttons, and Publish goes through the real worker to the Mastodon fake.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SlackClientRefusal,
  type FakeEphemeral,
  type FakeView,
  type ResponseUrlPost,
} from '../../fakes/slack/index.js';
import { png, startPostWorld, type PostWorld } from './post-world.js';

const shown = (post: { text?: string; blocks?: readonly unknown[] }) =>
  `${post.text}\n${JSON.stringify(post.blocks)}`;

/** The action id of the button labelled `label` in a message's blocks. */
function buttonId(post: { blocks?: readonly unknown[] }, label: string): string {
  const actions = (post.blocks ?? []) as Array<{ type: string; elements?: Array<Record<string, unknown>> }>;
  const button = actions
    .flatMap((block) => (block.type === 'actions' ? (block.elements ?? []) : []))
    .find((element) => (element.text as { text: string }).text === label);
  if (!button) throw new Error(`no button ${label} in ${JSON.stringify(post.blocks)}`);
  return String(button.action_id);
}

const inputBlock = (view: FakeView, blockId: string) =>
  (view.view.blocks as Array<Record<string, unknown>>).find((block) => block.block_id === blockId) as
    { type: string; optional?: boolean; element: Record<string, unknown> } | undefined;

describe('posting from a Slack modal', () => {
  let world: PostWorld;
  beforeAll(async () => {
    world = await startPostWorld();
  });
  afterAll(async () => world?.close());

  const postCount = async () =>
    (await world.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbound_posts')).rows[0]!.n;

  /** `/herald <text>` by the admin: the modal it opened, and the command's response URL. */
  async function openModal(text = 'post') {
    const { slack, url, adminId, channelId } = world;
    const before = slack.views({ userId: adminId, callbackId: 'post-modal' }).length;
    const sent = await slack.sendSlashCommand({ url, userId: adminId, channelId, text });
    expect(sent.status).toBe(200);
    await expect
      .poll(() => slack.views({ userId: adminId, callbackId: 'post-modal' }).length)
      .toBe(before + 1);
    const view = slack.views({ userId: adminId, callbackId: 'post-modal' }).at(-1)!;
    return { view, responseUrl: sent.responseUrl! };
  }

  /** Presses a button of the preview (an ephemeral message) as the admin; resolves with the answer. */
  async function press(preview: ResponseUrlPost, label: string) {
    const { slack, url, adminId, channelId } = world;
    const ephemeral: FakeEphemeral = slack
      .ephemerals({ userId: adminId, channelId })
      .findLast((entry) => entry.text === preview.text)!;
    const click = slack.payloads.blockActions({
      userId: adminId,
      channelId,
      messageTs: ephemeral.ts,
      actionId: buttonId(preview, label),
      label,
    });
    expect(click.payload.container).toMatchObject({ is_ephemeral: true });
    expect((await slack.sendInteraction({ url, payload: click.payload })).status).toBe(200);
    return click.responseUrl!.post();
  }

  it('GIVEN /herald post THEN a modal lists the accounts that can be posted to, all ticked, and the file, date and campaign fields', async () => {
    const { view, responseUrl } = await openModal();
    const accounts = inputBlock(view, 'accounts')!;
    expect(accounts.optional).not.toBe(true);
    expect(accounts.element.type).toBe('checkboxes');
    const values = (options: unknown) => (options as Array<{ value: string }>).map((o) => o.value).sort();
    expect(values(accounts.element.options)).toEqual([world.accounts.acme, world.accounts.news].sort());
    expect(values(accounts.element.initial_options)).toEqual(values(accounts.element.options));
    expect(inputBlock(view, 'files')!.element).toMatchObject({ type: 'file_input', max_files: 4 });
    expect(inputBlock(view, 'schedule')).toMatchObject({
      optional: true,
      element: { type: 'datetimepicker' },
    });
    expect(inputBlock(view, 'campaign')).toMatchObject({ optional: true });
    // Opening a modal answers nothing on the response URL; it stays for the preview.
    expect(responseUrl.posts).toEqual([]);
  });

  it('GIVEN text, one account and two files THEN a private preview, and Publish posts both images and reports the result', async () => {
    const { slack, url, adminId, mastodon, accounts } = world;
    const { view, responseUrl } = await openModal();
    const one = slack.uploadFile({ userId: adminId, name: 'one.png', data: png(50_000, 1) });
    const two = slack.uploadFile({ userId: adminId, name: 'two.png', data: png(60_000, 2) });
    const submitted = await slack.submitView({
      url,
      viewId: view.view.id,
      values: { text: 'Launch day, from Slack', accounts: [accounts.acme], files: [one.id, two.id] },
    });
    expect(submitted.outcome).toBe('closed');

    const preview = await responseUrl.post(0);
    expect(preview.responseType).toBe('ephemeral');
    expect(shown(preview)).toContain('Preview: post now');
    expect(shown(preview)).toContain('2 files fit');
    expect(shown(preview)).not.toContain('news on Mastodon');
    // Both files were fetched from Slack's file host with the bot token.
    const downloads = slack.requests.filter((r) => r.path.startsWith('/files-pri/'));
    expect(downloads.map((r) => r.headers.authorization)).toEqual([
      `Bearer ${slack.botToken}`,
      `Bearer ${slack.botToken}`,
    ]);
    expect(mastodon.statuses).toEqual([]);

    expect(shown(await press(preview, 'Publish'))).toContain('On its way');
    await expect
      .poll(() => mastodon.statuses.find((s) => String(s.content).includes('Launch day, from Slack')))
      .toBeDefined();
    const status = mastodon.statuses.find((s) => String(s.content).includes('Launch day, from Slack'))!;
    expect((status.media_attachments as unknown[]).length).toBe(2);
    // The worker reports the result where the command ran, privately.
    await expect
      .poll(() => responseUrl.posts.map((p) => p.text ?? '').join('\n'))
      .toMatch(/Your post is out\.\n✅ acme \(mastodon\): https?:\/\//);
  });

  it('GIVEN a date and time in the future THEN the preview offers Schedule and the job waits for that time', async () => {
    const { slack, url, mastodon, accounts, db } = world;
    const { view, responseUrl } = await openModal();
    const at = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 2 * 86_400_000);
    const submitted = await slack.submitView({
      url,
      viewId: view.view.id,
      values: { text: 'Later, from Slack', accounts: [accounts.news], schedule: at, campaign: 'winter' },
    });
    expect(submitted.outcome).toBe('closed');
    const preview = await responseUrl.post(0);
    expect(shown(preview)).toContain(`post at ${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`);
    expect(shown(preview)).toContain('campaign winter');
    const postId = buttonId(preview, 'Schedule').split(':')[1]!;

    expect((await press(preview, 'Schedule')).responseType).toBe('ephemeral');
    const { rows } = await db.pool.query<{ run_at: Date }>(
      `SELECT run_at FROM graphile_worker.jobs WHERE key = 'publish:' || $1`,
      [postId],
    );
    expect(rows.map((r) => r.run_at.toISOString())).toEqual([at.toISOString()]);
    const stored = await db.pool.query<{ status: string; scheduled_for: Date }>(
      'SELECT status, scheduled_for FROM outbound_posts WHERE id = $1',
      [postId],
    );
    expect(stored.rows).toEqual([{ status: 'scheduled', scheduled_for: at }]);
    expect(mastodon.statuses.some((s) => String(s.content).includes('Later, from Slack'))).toBe(false);
  });

  it('GIVEN only spaces for text, or a time that has passed THEN the modal stays open with the field’s error and nothing is stored', async () => {
    const { slack, url, accounts } = world;
    const { view, responseUrl } = await openModal('post new campaign:spring');
    expect(inputBlock(view, 'campaign')!.element.initial_value).toBe('spring');
    const before = await postCount();
    const blank = await slack.submitView({
      url,
      viewId: view.view.id,
      values: { text: '  \n ', accounts: [accounts.acme] },
    });
    expect(blank.outcome).toBe('errors');
    expect(blank.errors).toEqual({ text: 'Write what to post.' });
    expect(slack.view(view.view.id)?.closed).toBeFalsy();

    const past = await slack.submitView({
      url,
      viewId: view.view.id,
      values: { text: 'Too late', accounts: [accounts.acme], schedule: new Date(Date.now() - 3_600_000) },
    });
    expect(past.errors).toEqual({ schedule: 'That time has passed. Leave it empty to post now.' });
    // No account ticked: Slack's own client refuses a required field, before any request.
    await expect(
      slack.submitView({ url, viewId: view.view.id, values: { text: 'Hello', accounts: [] } }),
    ).rejects.toBeInstanceOf(SlackClientRefusal);
    expect(await postCount()).toBe(before);
    expect(responseUrl.posts).toEqual([]);
  });

  it('GIVEN the preview’s Edit THEN a form with the text opens, and saving it shows the new preview privately', async () => {
    const { slack, url, adminId, channelId, accounts } = world;
    const { view, responseUrl } = await openModal();
    await slack.submitView({
      url,
      viewId: view.view.id,
      values: { text: 'Typo teh', accounts: [accounts.acme] },
    });
    const preview = await responseUrl.post(0);
    const ephemeral = slack.ephemerals({ userId: adminId }).findLast((e) => e.text === preview.text)!;
    const click = slack.payloads.blockActions({
      userId: adminId,
      channelId,
      messageTs: ephemeral.ts,
      actionId: buttonId(preview, 'Edit'),
    });
    await slack.sendInteraction({ url, payload: click.payload });
    await expect
      .poll(() =>
        slack.views({ userId: adminId }).filter((v) => v.view.callback_id.startsWith('post-edit-save:')),
      )
      .toHaveLength(1);
    const [form] = slack
      .views({ userId: adminId })
      .filter((v) => v.view.callback_id.startsWith('post-edit-save:'));
    expect(JSON.stringify(form!.view.blocks)).toContain('"initial_value":"Typo teh"');
    const saved = await slack.submitView({ url, viewId: form!.view.id, values: { text: 'Typo fixed' } });
    expect(saved.outcome).toBe('closed');
    await expect
      .poll(() => slack.ephemerals({ userId: adminId, channelId }).map((e) => e.text))
      .toContainEqual(expect.stringContaining('Typo fixed'));
  });

  it('GIVEN a member who may not publish THEN no form opens: the refusal comes first, privately', async () => {
    const { slack, url, memberId, channelId } = world;
    const before = await postCount();
    const sent = await slack.sendSlashCommand({ url, userId: memberId, channelId, text: 'post' });
    await expect.poll(async () => shown(await sent.responseUrl!.post(0))).toContain('herald publishers');
    expect(slack.views({ userId: memberId, callbackId: 'post-modal' })).toHaveLength(0);
    expect(await postCount()).toBe(before);
  });

  it('GIVEN a file that is not an image THEN the modal says so under the file field', async () => {
    const { slack, url, adminId, accounts } = world;
    const { view } = await openModal();
    // Slack's `filetypes` only guides the picker: a renamed file still arrives with its real type.
    const sneaky = slack.uploadFile({
      userId: adminId,
      name: 'notes.png',
      mimetype: 'text/plain',
      data: Buffer.from('not a picture'),
    });
    const answer = await slack.submitView({
      url,
      viewId: view.view.id,
      values: { text: 'With notes', accounts: [accounts.acme], files: [sneaky.id] },
    });
    expect(answer.errors?.files).toMatch(/notes\.png is not an image or video Herald can post/);
  });
});
