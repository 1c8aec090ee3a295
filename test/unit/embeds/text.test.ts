import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  escapeDiscord,
  escapeDiscordInline,
  escapeSlack,
  graphemes,
  isolate,
  linkTarget,
  oneLine,
  slackBold,
  slackLabel,
  tidyText,
  truncateText,
} from '../../../embeds/text.js';

const segment = (text: string) =>
  Array.from(new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text), (s) => s.segment);

describe('graphemes', () => {
  it('GIVEN emoji sequences, flags and combining marks THEN each is one grapheme', () => {
    expect(graphemes('👨‍👩‍👧‍👦👍🏽🇫🇷é̃ক্ষ')).toEqual(['👨‍👩‍👧‍👦', '👍🏽', '🇫🇷', 'é̃', 'ক্ষ']);
  });

  it('GIVEN text far longer than one segmentation window THEN the result equals one-shot segmentation', () => {
    const clusters = fc.constantFrom('👨‍👩‍👧‍👦', '🇯🇵', '🇫🇷', 'é', 'a', ' ', '\r\n', 'ক্ষ', '\u0301', '\u200D', '🏽');
    fc.assert(
      fc.property(fc.array(clusters, { maxLength: 900 }), (parts) => {
        const text = parts.join('');
        expect(graphemes(text)).toEqual(segment(text));
      }),
      { numRuns: 200 },
    );
  });

  it('GIVEN one grapheme longer than a window (a Zalgo pile of marks) THEN it stays whole', () => {
    const zalgo = `a${'\u0301'.repeat(3_000)}`;
    expect(graphemes(`${zalgo}b`)).toEqual([zalgo, 'b']);
  });
});

describe('truncateText', () => {
  it('GIVEN text that fits THEN it comes back unchanged', () => {
    expect(truncateText('hello', 5)).toBe('hello');
  });

  it('GIVEN a UTF-16 limit inside an emoji THEN the cut falls before it and the ellipsis fits', () => {
    expect(truncateText('ab👨‍👩‍👧‍👦cd', 5)).toBe('ab…');
    expect(truncateText('ab👨‍👩‍👧‍👦cd', 5).length).toBeLessThanOrEqual(5);
  });

  it('GIVEN a grapheme limit THEN it counts what a reader sees, not code units', () => {
    expect(truncateText('🇫🇷🇯🇵🇩🇪', Number.POSITIVE_INFINITY, { maxGraphemes: 2 })).toBe('🇫🇷🇯🇵…');
  });

  it('GIVEN room for nothing but the ellipsis THEN the result is only the ellipsis, and with less, empty', () => {
    expect(truncateText('abc', 1)).toBe('…');
    expect(truncateText('abc', 0)).toBe('');
  });
});

describe('tidyText and oneLine', () => {
  it('GIVEN CRLF, control characters and many blank lines THEN text keeps at most one blank line', () => {
    expect(tidyText(' a\r\nb\u0000c \n\n\n\nd\t ')).toBe('a\nbc\n\nd');
  });

  it('GIVEN a multi-line name THEN it becomes one line, ZWJ sequences intact', () => {
    expect(oneLine('Ann\n\t👩‍💻  Lee')).toBe('Ann 👩‍💻 Lee');
  });
});

describe('isolate', () => {
  it('GIVEN an Arabic name or a direction override THEN it is wrapped in FSI…PDI', () => {
    expect(isolate('سارة')).toBe('\u2068سارة\u2069');
    expect(isolate('evil\u202E')).toBe('\u2068evil\u202E\u2069');
  });

  it('GIVEN a Latin or CJK name THEN it is left alone', () => {
    expect(isolate('Zoë 日本')).toBe('Zoë 日本');
  });
});

describe('escapeDiscord', () => {
  it.each([
    [
      '**bold** __u__ *i* ~~s~~ ||spoiler|| `code`',
      '\\*\\*bold\\*\\* \\_\\_u\\_\\_ \\*i\\* \\~\\~s\\~\\~ \\|\\|spoiler\\|\\| \\`code\\`',
    ],
    ['[free nitro](https://evil.example)', '\\[free nitro\\](https://evil.example)'],
    ['a\\b', 'a\\\\b'],
    [
      '# h\n## h\n-# sub\n> q\n>>> q\n- a\n+ b\n  12. c',
      '\\# h\n\\## h\n\\-# sub\n\\> q\n\\>>> q\n\\- a\n\\+ b\n  12\\. c',
    ],
    ['mid # not > a - header 1. x', 'mid # not > a - header 1. x'],
  ])('GIVEN %j THEN it shows as written: %j', (input, expected) => {
    expect(escapeDiscord(input)).toBe(expected);
  });

  it('GIVEN every mention syntax THEN none can ping', () => {
    expect(escapeDiscord('<@1> <@!1> <@&1> <#1> </c:1> <t:0> @everyone @here @Everyone')).toBe(
      '\\<@1> \\<@!1> \\<@&1> \\<#1> \\</c:1> \\<t:0> @\u200Beveryone @\u200Bhere @\u200BEveryone',
    );
  });

  it('GIVEN text that continues a line THEN a leading # is not a header and stays unescaped', () => {
    expect(escapeDiscord('# tag', false)).toBe('# tag');
    expect(escapeDiscord('# tag\n# h', false)).toBe('# tag\n\\# h');
  });

  it('GIVEN a title THEN only emphasis, code, spoilers and < are escaped', () => {
    expect(escapeDiscordInline('[OC] **wow** <@1> @here')).toBe('[OC] \\*\\*wow\\*\\* \\<@1> @\u200Bhere');
  });
});

describe('escapeSlack', () => {
  it('GIVEN Slack control characters and special mentions THEN they are entities and inert', () => {
    expect(escapeSlack('a & b <!here> <@U1> <#C1|x> <!subteam^S1> @channel')).toBe(
      'a &amp; b &lt;!here&gt; &lt;@U1&gt; &lt;#C1|x&gt; &lt;!subteam^S1&gt; @\u200Bchannel',
    );
  });

  it('GIVEN mrkdwn formatting THEN only &, < and > are touched', () => {
    expect(escapeSlack('*b* _i_ ~s~ `c`')).toBe('*b* _i_ ~s~ `c`');
  });

  it('GIVEN a link label with | and > THEN neither can end the link', () => {
    expect(slackLabel('a|b>c')).toBe('a¦b&gt;c');
  });

  it('GIVEN a bold name with * THEN the bold cannot close early', () => {
    expect(slackBold('**Mallory**')).toBe('*∗∗Mallory∗∗*');
    expect(slackBold('')).toBe('');
  });
});

describe('linkTarget', () => {
  it('GIVEN parentheses, a pipe or a backslash THEN they are percent-encoded so no link ends early', () => {
    expect(linkTarget('https://en.wikipedia.org/wiki/Mercury_(planet)?a=b|c')).toBe(
      'https://en.wikipedia.org/wiki/Mercury_%28planet%29?a=b%7Cc',
    );
  });

  it('GIVEN spaces and angle brackets THEN URL serialisation encodes them', () => {
    expect(linkTarget('https://example.com/a b<c>')).toBe('https://example.com/a%20b%3Cc%3E');
  });

  it.each([
    'javascript:alert(1)',
    'file:///etc/passwd',
    'not a url',
    `https://example.com/${'a'.repeat(3_000)}`,
  ])('GIVEN %s THEN it is no link', (url) => {
    expect(linkTarget(url)).toBeUndefined();
  });
});
