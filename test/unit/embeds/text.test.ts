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

// Deterministic pseudo-random numbers (mulberry32): a failure always reproduces.
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

// Pieces of text, each listed once per weight: mostly plain text, some of every kind of cluster.
const PIECES = [
  ...'abcdefghijklmnopqrstuvwxyz ABC.,!?\'"#@0123'.split(''),
  ...' the ',
  ...[
    'é',
    'ß',
    'Ω',
    'Ж',
    '—',
    '’',
    '…',
    '€',
    '→',
    '日本語',
    'かな',
    '한국어',
    '\t',
    '\n',
    '\n',
    '\r\n',
    '\r',
  ],
  ...['\u0301', 'e\u0301', 'a\u0308\u0323', '\u200d', '\ufe0f', '\u20e3', '1️⃣'],
  ...['😀', '🎉', '🚀', '❤️', '✨', '☺️', '👍🏽', '🏽', '👨‍👩‍👧‍👦', '👩🏽‍💻', '🏳️‍🌈', '🏴󠁧󠁢󠁥󠁮󠁧󠁿'],
  ...['🇫🇷', '🇩🇪', '🇫', '🇯🇵🇺🇸'],
  ...['\u1100', '\u1161', '\u11a8', '\u1100\u1161\u11a8', '가', '각'],
  ...['क्ष', 'क', '\u094d', 'ক্ষ', '\u0600', '\u0903', 'ำ', 'مرحبا', '\u00ad', '\u200b', '\u0000'],
  ...['\ud83d', '\ude00'],
];

function randomText(next: () => number, pieces: number): string {
  let text = '';
  for (let index = 0; index < pieces; index += 1) text += PIECES[Math.floor(next() * PIECES.length)] ?? '';
  return text;
}

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

  it.each([
    ['e\u0301', ['e\u0301']],
    ['ae\u0301b', ['a', 'e\u0301', 'b']],
    ['a\r\nb', ['a', '\r\n', 'b']],
    ['a\rb\r', ['a', '\r', 'b', '\r']],
    ['\r\r\n\n', ['\r', '\r\n', '\n']],
    ['\r\u0301a', ['\r', '\u0301', 'a']],
    ['\t\u0301a', ['\t', '\u0301', 'a']],
    ['x👍🏽', ['x', '👍🏽']],
    ['x👍🏽y', ['x', '👍🏽', 'y']],
    ['a🏽', ['a🏽']],
    ['❤️ ok', ['❤️', ' ', 'o', 'k']],
    ['#️⃣!', ['#️⃣', '!']],
    ['🇫🇷🇩🇪', ['🇫🇷', '🇩🇪']],
    ['a🇫🇷🇩b', ['a', '🇫🇷', '🇩', 'b']],
    ['😀 😀😀', ['😀', ' ', '😀', '😀']],
    ['a\u200d😀', ['a\u200d', '😀']],
    ['👩\u200d💻.', ['👩\u200d💻', '.']],
    ['ᄀ가나', ['ᄀ가', '나']],
    ['가\u11a8a', ['가\u11a8', 'a']],
    ['\u0600ab', ['\u0600a', 'b']],
    ['a\u0903b', ['a\u0903', 'b']],
    ['क्षa', ['क्ष', 'a']],
    ['\ud83da\ude00', ['\ud83d', 'a', '\ude00']],
  ])('GIVEN %j, where plain text meets a cluster THEN %j', (text, expected) => {
    expect(graphemes(text)).toEqual(expected);
    expect(graphemes(text)).toEqual(segment(text));
  });

  it('GIVEN a cluster at any offset around a window boundary THEN it is never split', () => {
    // Arabic letters need the segmenter, so the window boundaries fall at fixed offsets from the start.
    for (const pad of ['a', 'é', '\u0628', 'e\u0301', '日']) {
      for (const cluster of ['😀', '👍🏽', '🇫🇷', '👨‍👩‍👧‍👦', '\r\n', 'e\u0301', '❤️']) {
        for (let offset = 248; offset <= 264; offset += 1) {
          const text = `${pad.repeat(offset).slice(0, offset)}${cluster}b${cluster}`;
          expect(graphemes(text)).toEqual(segment(text));
        }
      }
    }
  });

  it('GIVEN thousands of generated texts of every kind of cluster THEN graphemes equals one-shot segmentation', () => {
    const next = random(0x5eed);
    for (let run = 0; run < 3_000; run += 1) {
      // Mostly post-sized text, and every tenth long enough to cross several windows.
      const text = randomText(
        next,
        run % 10 === 0 ? 300 + Math.floor(next() * 900) : Math.floor(next() * 60),
      );
      expect(graphemes(text), JSON.stringify(text)).toEqual(segment(text));
    }
  });

  it('GIVEN every code point of the BMP, emoji and tags next to each kind of neighbour THEN graphemes equals the segmenter', () => {
    const neighbours = [
      'a',
      '\u0301',
      '\u200d😀',
      '\ufe0f',
      '🏽',
      '\r\n',
      '\r',
      '🇫🇷',
      '\u1100',
      '\u1161',
      '\u11a8',
      '가',
      '\u094d\u0915',
      '\u0600',
      '\u0903',
      '😀',
      '\t',
    ];
    const codes = [
      ...Array.from({ length: 0x10000 }, (_, code) => code),
      ...Array.from({ length: 0xc00 }, (_, index) => 0x1f000 + index),
      ...Array.from({ length: 0x100 }, (_, index) => 0xe0000 + index),
    ];
    const wrong = codes.filter((code) => {
      const char = String.fromCodePoint(code);
      const text = `${char}${char}${neighbours.join(char)}${char}`;
      return JSON.stringify(graphemes(text)) !== JSON.stringify(segment(text));
    });
    expect(wrong.map((code) => code.toString(16))).toEqual([]);
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

  it('GIVEN generated texts and limits THEN the result is the longest prefix of whole graphemes that fits', () => {
    // The documented rule, on one-shot segmentation.
    const reference = (text: string, maxLength: number, maxGraphemes: number) => {
      const parts = segment(text);
      if (parts.length <= maxGraphemes && text.length <= maxLength) return text;
      if (maxLength < 1) return '';
      let kept = '';
      for (const [index, part] of parts.entries()) {
        if (index === maxGraphemes || kept.length + part.length > maxLength - 1) break;
        kept += part;
      }
      return `${kept.trimEnd()}…`;
    };
    const next = random(0x7e57);
    for (let run = 0; run < 2_000; run += 1) {
      const text = randomText(next, Math.floor(next() * 80));
      const maxLength = Math.floor(next() * 120);
      const maxGraphemes = next() < 0.5 ? Number.POSITIVE_INFINITY : Math.floor(next() * 60);
      expect(truncateText(text, maxLength, { maxGraphemes }), JSON.stringify(text)).toBe(
        reference(text, maxLength, maxGraphemes),
      );
    }
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
