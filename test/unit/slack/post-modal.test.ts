/**
 * The post modal's pure parts: the view (checked against the Slack fake's Block Kit rules, so a
 * limit Slack would refuse fails here), its submission as `post new`'s input, a message's text as
 * plain text, and which `/herald` texts open it.
 */
import { readFileSync } from 'node:fs';
import type { ViewStateValue } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createCatalogue } from '../../../bot/commands/index.js';
import type { AccountSummary } from '../../../core/account-store.js';
import { BOT_SCOPES } from '../../../bot/slack/app.js';
import { plainFromSlack, postFromMessage } from '../../../bot/slack/message-post.js';
import { PUBLISH_SHORTCUT, postModalRequest } from '../../../bot/slack/post-handlers.js';
import { postModal, readPostMetadata, type CarriedFile } from '../../../bot/slack/post-modal.js';
import { readPostSubmission } from '../../../bot/slack/post-submission.js';
import { checkModal } from '../../fakes/slack/methods-views.js';

const account = (n: number, handle = `acct${n}`): AccountSummary => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  platform: 'mastodon',
  handle,
  displayName: handle,
  instanceUrl: 'https://mastodon.example',
  status: n === 2 ? 'needs_reconnect' : 'active',
  statusReason: undefined,
  lastPolledAt: undefined,
  nextPollAt: new Date(0),
  lastError: undefined,
  feeds: 0,
});
const accounts = (count: number) => Array.from({ length: count }, (_, i) => account(i + 1));
const file = (n: number, name = 'photo.png'): CarriedFile => ({
  url: `https://files.slack.com/files-pri/T0HERALD01-F${n}/${encodeURIComponent(name)}`,
  name,
  mimetype: 'image/png',
  size: 1000 + n,
});
const noMetadata = { files: [] };

type Block = { type: string; block_id?: string; element?: Record<string, unknown>; elements?: unknown[] };
const blocksOf = (view: ReturnType<typeof postModal>) => view.blocks as unknown as Block[];
const element = (view: ReturnType<typeof postModal>, blockId: string) =>
  blocksOf(view).find((b) => b.block_id === blockId)?.element;

describe('the post modal', () => {
  it.each([1, 10, 11, 100, 150])(
    'GIVEN %i accounts THEN Slack would show the modal, every listed account ticked',
    (count) => {
      const view = postModal(accounts(count), {}, noMetadata);
      expect(checkModal(view)).toEqual(view);
      const picker = element(view, 'accounts')!;
      expect(picker.type).toBe(count <= 10 ? 'checkboxes' : 'multi_static_select');
      expect((picker.options as unknown[]).length).toBe(Math.min(count, 100));
      expect(picker.initial_options).toEqual(picker.options);
      const note = JSON.stringify(view.blocks);
      if (count > 100) expect(note).toContain(`Only the first 100 of ${count} accounts`);
      else expect(note).not.toContain('Only the first');
    },
  );

  it('GIVEN accounts named in the command THEN only those are ticked, and a paused one says so', () => {
    const view = postModal(accounts(3), { accounts: [account(2).id] }, noMetadata);
    const picker = element(view, 'accounts')!;
    expect(picker.initial_options).toEqual([
      {
        text: { type: 'plain_text', text: '@acct2 on Mastodon' },
        value: account(2).id,
        description: { type: 'plain_text', text: 'needs reconnecting' },
      },
    ]);
  });

  it('GIVEN a long handle and a message longer than a text field THEN both are cut to Slack’s limits and the cut is said', () => {
    const view = postModal([account(1, 'h'.repeat(120))], { text: 'y'.repeat(5000) }, noMetadata);
    expect(checkModal(view)).toEqual(view);
    expect(String(element(view, 'text')!.initial_value)).toHaveLength(3000);
    expect(JSON.stringify(view.blocks)).toContain('its end was cut');
  });

  it('GIVEN four carried files THEN no file input, and files that do not fit the metadata are named as left out', () => {
    const four = postModal(accounts(1), {}, { files: [1, 2, 3, 4].map((n) => file(n)) });
    expect(element(four, 'files')).toBeUndefined();
    expect(readPostMetadata(four.private_metadata!).files).toHaveLength(4);

    const huge = postModal(
      accounts(1),
      {},
      {
        responseUrl: 'https://hooks.slack.com/x',
        files: [1, 2, 3, 4].map((n) => file(n, `${'é'.repeat(190)}.png`)),
      },
    );
    expect(checkModal(huge)).toEqual(huge);
    const carried = readPostMetadata(huge.private_metadata!).files;
    expect(carried.length).toBeLessThan(4);
    expect(JSON.stringify(huge.blocks)).toContain('(too many files to carry)');
    expect(element(huge, 'files')!.max_files).toBe(4 - carried.length);
  });

  it('GIVEN private metadata Herald did not write THEN it is read as empty', () => {
    expect(readPostMetadata('not json')).toEqual({ files: [] });
    expect(readPostMetadata('{"files":[{"url":"javascript:alert(1)"}]}')).toEqual({ files: [] });
  });
});

const state = (values: Record<string, ViewStateValue>) =>
  Object.fromEntries(Object.entries(values).map(([blockId, value]) => [blockId, { [blockId]: value }]));
const uploaded = (name: string, mimetype: string) => ({
  id: 'F1',
  name,
  mimetype,
  size: 123,
  url_private: `https://files.slack.com/files-pri/T1-F1/${name}`,
});
const now = new Date('2026-05-01T10:00:00Z');

describe('the post modal’s submission', () => {
  it('GIVEN every field THEN post new’s input: ids, files as attachment JSON, the time as an ISO instant', () => {
    const submitted = readPostSubmission(
      state({
        text: { type: 'plain_text_input', value: '  Hello  ' },
        accounts: {
          type: 'checkboxes',
          selected_options: [
            { text: { type: 'plain_text', text: 'a' }, value: 'id-a' },
            { text: { type: 'plain_text', text: 'b' }, value: 'id-b' },
          ],
        },
        files: { type: 'file_input', files: [uploaded('two.png', 'image/png')] as never },
        schedule: { type: 'datetimepicker', selected_date_time: Date.parse('2026-05-02T08:30:00Z') / 1000 },
        thread: {
          type: 'checkboxes',
          selected_options: [{ text: { type: 'plain_text', text: 't' }, value: 'thread' }],
        },
        campaign: { type: 'plain_text_input', value: ' spring ' },
      }),
      { files: [file(1)] },
      now,
    );
    expect(submitted).toEqual({
      ok: true,
      raw: {
        text: 'Hello',
        accounts: 'id-a,id-b',
        image: JSON.stringify({
          url: file(1).url,
          fileName: file(1).name,
          contentType: 'image/png',
          size: 1001,
        }),
        image2: JSON.stringify({
          url: uploaded('two.png', '').url_private,
          fileName: 'two.png',
          contentType: 'image/png',
          size: 123,
        }),
        schedule: '2026-05-02T08:30:00.000Z',
        thread: true,
        campaign: 'spring',
      },
    });
  });

  it('GIVEN nothing usable THEN an error under each field, keyed by its block', () => {
    const submitted = readPostSubmission(
      state({
        text: { type: 'plain_text_input', value: null },
        accounts: { type: 'checkboxes', selected_options: [] },
        files: { type: 'file_input', files: [uploaded('a.pdf', 'application/pdf')] as never },
        schedule: { type: 'datetimepicker', selected_date_time: now.getTime() / 1000 },
      }),
      { files: [] },
      now,
    );
    expect(submitted).toEqual({
      ok: false,
      errors: {
        text: 'Write what to post.',
        accounts: 'Pick at least one account.',
        files: 'a.pdf is not an image or video Herald can post (JPEG, PNG, GIF, WebP, MP4, MOV).',
        schedule: 'That time has passed. Leave it empty to post now.',
      },
    });
  });

  it('GIVEN more than four files counting the message’s THEN the file field says how many', () => {
    const submitted = readPostSubmission(
      state({
        text: { type: 'plain_text_input', value: 'Hi' },
        accounts: {
          type: 'checkboxes',
          selected_options: [{ text: { type: 'plain_text', text: 'a' }, value: 'id-a' }],
        },
        files: {
          type: 'file_input',
          files: [uploaded('a.png', 'image/png'), uploaded('b.png', 'image/png')] as never,
        },
      }),
      { files: [file(1), file(2), file(3)] },
      now,
    );
    expect(submitted).toEqual({
      ok: false,
      errors: { files: 'A post takes up to 4 files; there are 5 (3 from the message).' },
    });
  });
});

describe('a message as the start of a post', () => {
  it.each([
    ['a &lt;b&gt; &amp;amp; c', 'a <b> &amp; c'],
    ['see <https://example.com/x|our post>', 'see our post (https://example.com/x)'],
    [
      'see <https://example.com|example.com> and <https://example.org>',
      'see example.com and https://example.org',
    ],
    ['hi <@U123|ann> and <@U456> in <#C1|news>', 'hi @ann and @U456 in #news'],
    ['<!here> <!subteam^S1|@team> <!date^1392734382^{date}|Feb 18>', '@here @team Feb 18'],
  ])('GIVEN %s THEN %s', (mrkdwn, plain) => {
    expect(plainFromSlack(mrkdwn)).toBe(plain);
  });

  it('GIVEN files THEN the first four images or videos are carried and the rest named with why', () => {
    const files = [
      ...['a.png', 'b.jpg', 'c.gif', 'd.mp4', 'e.png'].map((name) =>
        uploaded(name, name.endsWith('mp4') ? 'video/mp4' : 'image/png'),
      ),
      uploaded('f.txt', 'text/plain'),
      { id: 'F9', name: 'gone.png', mode: 'tombstone' },
    ];
    const post = postFromMessage({ type: 'message', text: ' Hi ', files });
    expect(post.text).toBe('Hi');
    expect(post.files.map((f) => f.name)).toEqual(['a.png', 'b.jpg', 'c.gif', 'd.mp4']);
    expect(post.skipped).toEqual([
      'e.png (a post takes 4 files)',
      'f.txt (not an image or video)',
      'a file (Slack did not share it with Herald)',
    ]);
  });
});

describe('which /herald texts open the modal', () => {
  const { commands } = createCatalogue({ heartbeatSeconds: 15 });
  it.each([
    ['post', {}],
    ['POST', {}],
    ['post new', { accounts: undefined, campaign: undefined, thread: false }],
    [
      'post new accounts:x,acme campaign:spring thread',
      { accounts: ['x', 'acme'], campaign: 'spring', thread: true },
    ],
  ])('GIVEN %s THEN the modal with %o', (text, prefill) => {
    expect(postModalRequest(commands, text)).toEqual(prefill);
  });

  it.each(['post new text:hello', 'post new hello', 'post list', 'feed list', 'post new colour:blue'])(
    'GIVEN %s THEN no modal',
    (text) => {
      expect(postModalRequest(commands, text)).toBeUndefined();
    },
  );
});

describe('slack/manifest.yml for publishing', () => {
  const manifest = parse(readFileSync(new URL('../../../slack/manifest.yml', import.meta.url), 'utf8')) as {
    features: { shortcuts: Array<{ name: string; type: string; callback_id: string; description: string }> };
    oauth_config: { scopes: { bot: string[] } };
  };

  it('GIVEN the message shortcut THEN it is declared with Herald’s callback id', () => {
    expect(manifest.features.shortcuts).toEqual([
      expect.objectContaining({ type: 'message', callback_id: PUBLISH_SHORTCUT, name: 'Publish to social' }),
    ]);
  });

  it('GIVEN files in the modal or on a message THEN files:read is asked for, in the manifest and at install', () => {
    expect(manifest.oauth_config.scopes.bot).toContain('files:read');
    expect(BOT_SCOPES).toContain('files:read');
  });
});
