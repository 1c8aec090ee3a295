import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { SLACK_OPEN_POST_ACTION_ID, toSlackMessage } from '../../../embeds/index.js';
import { image, post } from './posts.js';
import { expectValidSlackMessage, slackMarkdown, slackPings } from './validate.js';

const ofType = <T extends KnownBlock['type']>(blocks: KnownBlock[], type: T) =>
  blocks.filter((block): block is Extract<KnownBlock, { type: T }> => block.type === type);

describe('toSlackMessage', () => {
  it('GIVEN a plain post THEN author context, text section, footer context and an open button', () => {
    const message = toSlackMessage(post({ metrics: { likes: 1_234, replies: 2 } }));
    expectValidSlackMessage(message);
    expect(message).toMatchObject({ unfurl_links: false, unfurl_media: false });
    expect(message.text).toBe('Ann Lee (@ann) on X: hello');
    expect(message.blocks.map((block) => block.type)).toEqual(['context', 'section', 'context', 'actions']);
    expect(message.blocks[0]).toEqual({
      type: 'context',
      elements: [
        { type: 'image', image_url: 'https://pbs.twimg.com/ann.jpg', alt_text: 'Ann Lee' },
        { type: 'mrkdwn', text: '*Ann Lee* <https://x.com/ann|@ann>', verbatim: true },
      ],
    });
    expect(message.blocks[1]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: 'hello', verbatim: true },
    });
    const footer = ofType(message.blocks, 'context')[1];
    expect(footer?.elements.at(-1)).toEqual({
      type: 'mrkdwn',
      text: 'X · 💬 2 · ❤️ 1.2K · <!date^1714566600^{date_short_pretty} at {time}^https://x.com/ann/status/1|2024-05-01 12:30 UTC>',
      verbatim: true,
    });
    expect(ofType(message.blocks, 'actions')[0]?.elements).toEqual([
      {
        type: 'button',
        text: { type: 'plain_text', text: 'Open on X', emoji: true },
        url: 'https://x.com/ann/status/1',
        action_id: SLACK_OPEN_POST_ACTION_ID,
      },
    ]);
  });

  it('GIVEN hostile text THEN &, < and > are escaped, every special mention inert, and links kept', () => {
    const text = '<!channel> <!here> <!everyone> <@U024BE7LH> <#C1> a & b @here https://example.com/?a=1&b=2';
    const message = toSlackMessage(post({ text }));
    const section = ofType(message.blocks, 'section')[0];
    expect(section?.text?.text).toBe(
      '&lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt; &lt;@U024BE7LH&gt; &lt;#C1&gt; a &amp; b ' +
        '<https://x.com/here|@\u200Bhere> <https://example.com/?a=1&amp;b=2|example.com/?a=1&amp;b=2>',
    );
    for (const markdown of slackMarkdown(message)) expect(slackPings(markdown)).toEqual([]);
  });

  it('GIVEN a user group to notify THEN it is mentioned first in the blocks and the notification text', () => {
    const message = toSlackMessage(post(), { mentionUserGroupId: 'S0614TZR7' });
    expect(message.text.startsWith('<!subteam^S0614TZR7> ')).toBe(true);
    expect(message.blocks[0]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: '<!subteam^S0614TZR7>', verbatim: true },
    });
  });

  it.each(['here', '<!here>', 'U123', 's1'])('GIVEN user group id %j THEN it throws a RangeError', (id) => {
    expect(() => toSlackMessage(post(), { mentionUserGroupId: id })).toThrow(RangeError);
  });

  it('GIVEN five images THEN four image blocks with alt text, and "+1 more"', () => {
    const message = toSlackMessage(
      post({ media: [image(1, 'a cat'), image(2), image(3), image(4), image(5)] }),
    );
    expect(ofType(message.blocks, 'image')).toEqual([
      { type: 'image', image_url: 'https://pbs.twimg.com/media/1.jpg', alt_text: 'a cat' },
      { type: 'image', image_url: 'https://pbs.twimg.com/media/2.jpg', alt_text: 'Image 2 of 4' },
      { type: 'image', image_url: 'https://pbs.twimg.com/media/3.jpg', alt_text: 'Image 3 of 4' },
      { type: 'image', image_url: 'https://pbs.twimg.com/media/4.jpg', alt_text: 'Image 4 of 4' },
    ]);
    expect(JSON.stringify(message.blocks)).toContain('🖼️ <https://x.com/ann/status/1|+1 more>');
  });

  it('GIVEN a long alt text THEN it is cut to Slack’s 2,000 characters', () => {
    const message = toSlackMessage(post({ media: [image(1, 'x'.repeat(5_000))] }));
    expect(ofType(message.blocks, 'image')[0]?.alt_text).toHaveLength(2_000);
  });

  it('GIVEN a quote THEN the quoted author and a > excerpt follow, with its first picture beside it', () => {
    const original = post({
      platformId: '2',
      permalink: 'https://x.com/bob/status/2',
      author: { id: '2', displayName: 'Bob', handle: 'bob' },
      text: 'line one\nline <two>',
      media: [image(9, 'chart')],
    });
    const message = toSlackMessage(post({ kind: 'quote', text: 'so true', original }));
    expectValidSlackMessage(message);
    const quoted = ofType(message.blocks, 'section').at(-1);
    expect(quoted?.text?.text).toBe('>line one\n>line &lt;two&gt;');
    expect(quoted?.accessory).toEqual({
      type: 'image',
      image_url: 'https://pbs.twimg.com/media/9.jpg',
      alt_text: 'chart',
    });
  });

  it('GIVEN a repost THEN a context line says so and the fallback text names both', () => {
    const original = post({
      platformId: '2',
      permalink: 'https://x.com/bob/status/2',
      author: { id: '2', displayName: 'Bob', handle: 'bob' },
      text: 'orig',
    });
    const message = toSlackMessage(post({ kind: 'repost', text: '', original }));
    expect(message.blocks[0]).toEqual({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: '🔁 <https://x.com/ann|@ann> reposted <https://x.com/bob|@bob>',
          verbatim: true,
        },
      ],
    });
    expect(message.text).toBe('🔁 @ann reposted @bob: orig');
  });

  it('GIVEN a titled platform THEN the title is a bold link with any * swapped out', () => {
    const message = toSlackMessage(
      post({ platform: 'reddit', permalink: 'https://www.reddit.com/r/a/1', text: 'Big *news*\nbody' }),
    );
    expect(ofType(message.blocks, 'section')[0]?.text?.text).toBe(
      '*<https://www.reddit.com/r/a/1|Big ∗news∗>*',
    );
    expect(ofType(message.blocks, 'actions')[0]?.elements[0]).toMatchObject({
      text: { text: 'Open on Reddit' },
    });
  });

  it('GIVEN text longer than a section holds THEN it is cut to 3,000 with a Read more link', () => {
    const message = toSlackMessage(post({ text: '&'.repeat(4_000) }), { maxTextLength: 4_096 });
    const text = ofType(message.blocks, 'section')[0]?.text?.text ?? '';
    expect(text.length).toBeLessThanOrEqual(3_000);
    expect(text).toMatch(/&amp;… <https:\/\/x\.com\/ann\/status\/1\|Read more>$/u);
  });
});
