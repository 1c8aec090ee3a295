import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../core/errors.js';
import { readFeedDocument } from '../../../social/rss/document.js';
import { entryId, parseFeedDate, recognizePlatform } from '../../../social/rss/identity.js';
import type { FeedEntry } from '../../../social/rss/normalize.js';

const URL_ = 'https://blog.example/feed';

function fixture(name: string): Buffer {
  return readFileSync(new URL(`../../fixtures/rss/${name}`, import.meta.url));
}

function read(body: string | Buffer, contentType = 'application/rss+xml', url = URL_) {
  return readFeedDocument({ raw: typeof body === 'string' ? Buffer.from(body) : body, contentType, url });
}

function failure(work: () => unknown): ProviderError {
  try {
    work();
  } catch (err) {
    if (err instanceof ProviderError) return err;
    throw new Error(`expected a ProviderError, got ${String(err)}`, { cause: err });
  }
  throw new Error('expected a failure');
}

const RSS = (items: string, head = '') =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>Blog</title><link>https://blog.example/</link>${head}${items}</channel></rss>`;

describe('reading what a feed URL answered', () => {
  it('GIVEN a feed cut off mid-item THEN bad-request names the host and says it does not parse', () => {
    const err = failure(() => read(fixture('broken-truncated.xml')));
    expect(err).toMatchObject({ kind: 'bad-request', platform: 'rss', endpoint: 'GET feed' });
    expect(err.message).toMatch(
      /^rss: GET feed: blog\.example sent a document whose root is <rss> that does not parse/,
    );
    expect(err.hint).toMatch(/broken at its source/);
  });

  it('GIVEN a web page that advertises its feeds THEN bad-request names the feed URL to use instead', () => {
    const html =
      '<!DOCTYPE html><html><head><title>Blog</title><link rel="stylesheet" href="/s.css">' +
      '<link rel="alternate" type="application/rss+xml" title="Posts" href="/feed.xml">' +
      '<link rel="alternate" type="application/atom+xml" href="https://blog.example/atom.xml"></head><body>Hi</body></html>';
    const err = failure(() => read(html, 'text/html; charset=utf-8', 'https://blog.example/'));
    expect(err.kind).toBe('bad-request');
    expect(err.message).toContain(
      'blog.example sent a web page (HTML), not a feed; the page points to its feed at https://blog.example/feed.xml',
    );
    expect(err.message).toContain('https://blog.example/atom.xml');
    expect(err.hint).toBe("Add https://blog.example/feed.xml instead of the page's address.");
  });

  it("GIVEN a web page without feed links (Reddit's block page) THEN bad-request says so and how to find one", () => {
    const html =
      '<!doctype html>\n<html><head><title>Blocked</title></head><body>whoa there, pardner</body></html>';
    const err = failure(() => read(html, 'text/html'));
    expect(err.message).toContain('sent a web page (HTML), not a feed, and the page names no feed');
    expect(err.hint).toMatch(/find its RSS or Atom link/);
  });

  it('GIVEN an HTML fragment labelled text/html THEN it is a web page too, not a feed', () => {
    const err = failure(() =>
      read('<div class="error">Sorry, this page is not available.</div>', 'text/html'),
    );
    expect(err.message).toContain('sent a web page (HTML), not a feed');
  });

  it.each([
    ['image/png', 'sent image/png, not a feed'],
    ['application/pdf', 'sent application/pdf, not a feed'],
  ])('GIVEN content type %s THEN bad-request names it', (type, message) => {
    expect(failure(() => read('\x89PNG', type)).message).toContain(message);
  });

  it.each([
    ['an empty body', '', 'sent an empty body'],
    [
      'an XML sitemap',
      '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url/></urlset>',
      'root is <urlset>, not an RSS, Atom, RDF or JSON feed',
    ],
    [
      'JSON that is not a JSON Feed',
      '{"error":"not found"}',
      'sent JSON, not an RSS, Atom, RDF or JSON feed',
    ],
    ['JSON that does not parse', '{"title": ', 'sent JSON that does not parse'],
    ['plain text', 'Service temporarily unavailable', 'something that is not XML'],
  ])('GIVEN %s THEN bad-request says what was found', (_name, body, message) => {
    const err = failure(() => read(body, 'text/plain'));
    expect(err).toMatchObject({ kind: 'bad-request', platform: 'rss' });
    expect(err.message).toContain(message);
  });

  it('GIVEN a bare ampersand in a title THEN the feed is still read', () => {
    const doc = read(RSS('<item><guid>1</guid><title>Tom & Jerry</title></item>'));
    expect(doc.entries[0]?.title?.value).toBe('Tom & Jerry');
  });

  it('GIVEN a feed served as text/html THEN its content decides, and it is read', () => {
    expect(read(RSS('<item><guid>1</guid></item>'), 'text/html').format).toBe('rss');
  });

  it('GIVEN ISO-8859-1 bytes declared in Content-Type or the XML prolog THEN accents decode', () => {
    const body = Buffer.from(RSS('<item><guid>1</guid><title>Café Müller</title></item>'), 'latin1');
    expect(read(body, 'application/rss+xml; charset=ISO-8859-1').entries[0]?.title?.value).toBe(
      'Café Müller',
    );
    const declared = Buffer.from(
      `<?xml version="1.0" encoding="iso-8859-1"?>${RSS('<item><guid>1</guid><title>Café</title></item>')}`,
      'latin1',
    );
    expect(read(declared, 'application/xml').entries[0]?.title?.value).toBe('Café');
  });

  it('GIVEN a UTF-8 byte order mark THEN it wins over a wrong declaration', () => {
    const body = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(
        `<?xml version="1.0" encoding="iso-8859-1"?>${RSS('<item><guid>1</guid><title>日本</title></item>')}`,
      ),
    ]);
    expect(read(body).entries[0]?.title?.value).toBe('日本');
  });

  it('GIVEN an RDF (RSS 1.0) feed THEN items carry rdf:about ids and dc:date', () => {
    const rdf =
      '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">' +
      '<channel rdf:about="https://f1.example/"><title>F1</title><link>https://f1.example/</link><description>d</description></channel>' +
      '<item rdf:about="https://f1.example/1"><title>One</title><link>https://f1.example/1</link><dc:date>2020-02-27T12:03:25+09:00</dc:date><dc:creator>F1-Gate.com</dc:creator></item></rdf:RDF>';
    const doc = read(rdf, 'application/rdf+xml');
    expect(doc.format).toBe('rdf');
    expect(doc.entries[0]).toMatchObject({
      id: 'https://f1.example/1',
      published: '2020-02-27T12:03:25+09:00',
      authors: [{ name: 'F1-Gate.com' }],
    });
  });
});

describe('recognising YouTube and Reddit feeds', () => {
  it('GIVEN the fixtures THEN YouTube, Reddit and the rest are told apart by content', () => {
    expect(recognizePlatform(read(fixture('youtube-channel.xml')))).toBe('youtube');
    expect(recognizePlatform(read(fixture('reddit-subreddit.xml')))).toBe('reddit');
    expect(recognizePlatform(read(fixture('heise.atom.xml')))).toBe('rss');
    expect(recognizePlatform(read(fixture('guardian.rss.xml')))).toBe('rss');
  });

  it('GIVEN an empty Reddit listing THEN its reddit.com site link still identifies it', () => {
    const atom =
      '<feed xmlns="http://www.w3.org/2005/Atom"><id>/r/empty/.rss</id><title>empty</title>' +
      '<link rel="alternate" href="https://www.reddit.com/r/empty/" type="text/html"/></feed>';
    expect(recognizePlatform(read(atom))).toBe('reddit');
  });
});

describe('item identity and dates', () => {
  const entry = (fields: Partial<FeedEntry>): FeedEntry => ({
    position: 0,
    authors: [],
    categories: [],
    enclosures: [],
    ...fields,
  });

  it('GIVEN a guid, an id, a link or nothing THEN the id is guid/id, else link, else a hash of the content', () => {
    expect(entryId(entry({ id: ' urn:uuid:1 ', link: 'https://a.example/1' }), 'rss')).toBe('urn:uuid:1');
    expect(entryId(entry({ link: 'https://a.example/1' }), 'rss')).toBe('https://a.example/1');
    const hashed = entryId(entry({ title: { value: 'Hi', html: false } }), 'rss');
    expect(hashed).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(entryId(entry({ title: { value: 'Hi', html: false } }), 'rss')).toBe(hashed);
    expect(entryId(entry({ title: { value: 'Other', html: false } }), 'rss')).not.toBe(hashed);
    expect(entryId(entry({}), 'rss')).toBeUndefined();
  });

  it('GIVEN a YouTube entry THEN the id is the video id', () => {
    expect(entryId(entry({ id: 'yt:video:abc', youtube: { videoId: 'abc' } }), 'youtube')).toBe('abc');
    expect(entryId(entry({ id: 'yt:video:xyz' }), 'youtube')).toBe('xyz');
  });

  it.each([
    ['Tue, 10 Jun 2003 04:00:00 GMT', '2003-06-10T04:00:00.000Z'],
    ['Sat, 23 Jan 2016 15:40:37 +0000', '2016-01-23T15:40:37.000Z'],
    ['Mon, 01 Sep 2025 10:00:00 -0700', '2025-09-01T17:00:00.000Z'],
    ['2016-02-01T17:22:00+01:00', '2016-02-01T16:22:00.000Z'],
    ['2018-09-18 14:38:10', '2018-09-18T14:38:10.000Z'],
    ['2018-09-18T14:38', '2018-09-18T14:38:00.000Z'],
    ['Tue, 10 Jun 2003 04:00:00', '2003-06-10T04:00:00.000Z'],
  ])('GIVEN the date %s THEN it is %s', (raw, iso) => {
    expect(parseFeedDate(raw)?.toISOString()).toBe(iso);
  });

  it.each(['', 'yesterday', '31/31/2020', '0099-01-01T00:00:00Z'])(
    'GIVEN the unusable date %j THEN there is none',
    (raw) => {
      expect(parseFeedDate(raw)).toBeUndefined();
    },
  );
});
