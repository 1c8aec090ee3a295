import { describe, expect, it } from 'vitest';
import { detectFacets, toRecordFacets, utf8Offset } from '../../../social/bluesky/facets.js';
import { imageSize } from '../../../social/bluesky/image-size.js';
import { describePage } from '../../../social/bluesky/link-card.js';

function bytesOf(text: string, facet: { index: { byteStart: number; byteEnd: number } }): string {
  return Buffer.from(text, 'utf8').subarray(facet.index.byteStart, facet.index.byteEnd).toString('utf8');
}

describe('Bluesky rich-text facets', () => {
  it('GIVEN the documented example with an emoji before the link THEN the byte ranges are the documented ones', () => {
    // bsky-docs posts.md: "@atproto.com" at 23..35 and the link at 74..108.
    const text = '✨ example mentioning @atproto.com to share the URL 👨‍❤️‍👨 https://en.wikipedia.org/wiki/CBOR.';
    const facets = toRecordFacets(
      text,
      detectFacets(text),
      new Map([['atproto.com', 'did:plc:ewvi7nxzyoun6zhxrhs64oiz']]),
    );
    expect(facets).toEqual([
      {
        index: { byteStart: 23, byteEnd: 35 },
        features: [{ $type: 'app.bsky.richtext.facet#mention', did: 'did:plc:ewvi7nxzyoun6zhxrhs64oiz' }],
      },
      {
        index: { byteStart: 74, byteEnd: 108 },
        features: [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://en.wikipedia.org/wiki/CBOR' }],
      },
    ]);
  });

  it('GIVEN CJK text before a hashtag and a link THEN each range covers exactly its text in UTF-8', () => {
    const text = '日本語のテキスト #東京 と https://example.com/パス?q=1 を見て';
    const facets = toRecordFacets(text, detectFacets(text), new Map());
    expect(facets.map((facet) => bytesOf(text, facet))).toEqual(['#東京', 'https://example.com/パス?q=1']);
    expect(facets[0]).toMatchObject({ index: { byteStart: 25 }, features: [{ tag: '東京' }] });
  });

  it('GIVEN punctuation around links and tags THEN it is left out of the facet', () => {
    const text =
      'See (https://example.com/a_(b)) and https://example.com/x. Also #launch! and #2024 and #v2.';
    const detected = detectFacets(text);
    expect(detected.map((facet) => [facet.kind, facet.value])).toEqual([
      ['link', 'https://example.com/a_(b)'],
      ['link', 'https://example.com/x'],
      ['tag', 'launch'],
      ['tag', 'v2'],
    ]);
  });

  it('GIVEN a mention whose handle did not resolve THEN it stays plain text', () => {
    const text = 'hi @nobody.example and @alice.bsky.social.';
    const facets = toRecordFacets(
      text,
      detectFacets(text),
      new Map([['alice.bsky.social', 'did:plc:alice']]),
    );
    expect(facets).toHaveLength(1);
    expect(bytesOf(text, facets[0]!)).toBe('@alice.bsky.social');
  });

  it('GIVEN an e-mail address or a URL fragment THEN neither is a mention nor a tag', () => {
    const text = 'mail me@example.com or read https://example.com/page#section';
    expect(detectFacets(text).map((facet) => facet.kind)).toEqual(['link']);
  });

  it('GIVEN surrogate pairs THEN UTF-16 indexes become UTF-8 offsets', () => {
    expect(utf8Offset('👍x', 2)).toBe(4);
    expect(utf8Offset('é', 1)).toBe(2);
  });
});

describe('image sizes for aspectRatio', () => {
  it('GIVEN PNG, GIF, JPEG and WebP headers THEN their width and height are read', () => {
    const png = Buffer.alloc(32);
    png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], 0);
    png.write('IHDR', 12, 'latin1');
    png.writeUInt32BE(1280, 16);
    png.writeUInt32BE(760, 20);

    const gif = Buffer.alloc(32);
    gif.write('GIF89a', 0, 'latin1');
    gif.writeUInt16LE(320, 6);
    gif.writeUInt16LE(200, 8);

    // SOI, an APP0 segment of 16 bytes, then SOF0 with height 600 and width 800.
    const jpeg = Buffer.alloc(40);
    jpeg.set([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], 0);
    jpeg.set([0xff, 0xc0, 0x00, 0x11, 0x08, 0x02, 0x58, 0x03, 0x20], 20);

    const webp = Buffer.alloc(32);
    webp.write('RIFF', 0, 'latin1');
    webp.write('WEBPVP8X', 8, 'latin1');
    webp.writeUIntLE(1999, 24, 3);
    webp.writeUIntLE(1499, 27, 3);

    expect(imageSize(png)).toEqual({ width: 1280, height: 760 });
    expect(imageSize(gif)).toEqual({ width: 320, height: 200 });
    expect(imageSize(jpeg)).toEqual({ width: 800, height: 600 });
    expect(imageSize(webp)).toEqual({ width: 2000, height: 1500 });
    expect(imageSize(Buffer.from('not an image at all, just text'))).toBeUndefined();
  });
});

describe('link card text', () => {
  it('GIVEN Open Graph tags and a title THEN Open Graph wins and entities are decoded', () => {
    const html = `<html><head><title>Plain title</title>
      <meta property="og:title" content="Caf&eacute; &amp; Co &#8212; news" />
      <meta name='description' content='A short  description.'></head><body><meta property="og:title" content="late"></body></html>`;
    expect(describePage(html)).toEqual({
      title: 'Caf&eacute; & Co — news',
      description: 'A short description.',
    });
    expect(describePage('<title>Only a title</title>')).toEqual({ title: 'Only a title' });
  });
});
