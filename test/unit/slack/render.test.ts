import { describe, expect, it } from 'vitest';
import { reply } from '../../../bot/commands/reply.js';
import { renderModal, renderReply, slackReference, slackText } from '../../../bot/slack/render.js';

describe('catalogue answers in Block Kit', () => {
  it('GIVEN text a user typed THEN nothing in it can ping or link, while Herald’s own references work', () => {
    const text = `Feed **<!channel> & <@U999>** added to ${slackReference('#', 'C0123')}, mentions ${slackReference('!subteam^', 'S42')}`;
    expect(slackText(text)).toBe(
      'Feed *&lt;!channel&gt; &amp; &lt;@U999&gt;* added to <#C0123>, mentions <!subteam^S42>',
    );
  });

  it('GIVEN a reference id that is not Slack’s THEN it stays plain text', () => {
    expect(slackText(`in ${slackReference('#', 'general>')}`)).toBe('in general&gt;');
  });

  it('GIVEN a reply with a title, fields and buttons THEN a header, sections and one actions block', () => {
    const message = renderReply(
      reply.warning('Unlink **@acme**?', {
        title: 'Confirm',
        fields: [{ name: 'Feeds', value: '2' }],
        buttons: [{ actionId: 'disconnect-confirm:abc', label: 'Unlink', style: 'danger' }],
      }),
    );
    expect(message.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'actions']);
    expect(message.blocks[1]).toMatchObject({ text: { type: 'mrkdwn', text: '⚠️ Unlink *@acme*?' } });
    expect(message.blocks[3]).toMatchObject({
      elements: [{ type: 'button', action_id: 'disconnect-confirm:abc', style: 'danger' }],
    });
    expect(message.text).toBe('Confirm: Unlink @acme?');
  });

  it('GIVEN very long text and many fields THEN every Block Kit limit holds', () => {
    const message = renderReply(
      reply.info('x'.repeat(10_000), {
        title: 't'.repeat(500),
        fields: Array.from({ length: 80 }, (_, i) => ({ name: `f${i}`, value: 'v'.repeat(5_000) })),
      }),
    );
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    for (const block of message.blocks) {
      const text = (block as { text?: { text: string } }).text?.text ?? '';
      expect(text.length).toBeLessThanOrEqual(block.type === 'header' ? 150 : 3000);
    }
  });

  it('GIVEN a form THEN a modal whose callback is the action and whose inputs are the fields', () => {
    const view = renderModal(
      {
        kind: 'form',
        submitId: 'connect-bluesky',
        title: 'Link a Bluesky account',
        fields: [
          { id: 'handle', label: 'Handle', required: true },
          { id: 'password', label: 'App password', secret: true, required: true, maxLength: 100 },
        ],
      },
      '{"channel":"C1"}',
    );
    expect(view).toMatchObject({
      type: 'modal',
      callback_id: 'connect-bluesky',
      private_metadata: '{"channel":"C1"}',
      blocks: [
        { type: 'input', block_id: 'handle', optional: false, element: { action_id: 'handle' } },
        { type: 'input', block_id: 'password', element: { action_id: 'password', max_length: 100 } },
      ],
    });
  });
});
