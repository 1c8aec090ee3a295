import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMediaDownloader, MediaError, type MediaDownloader } from '../../../social/media-download.js';
import { startFakeServer, type FakeServer } from '../../fakes/fake-server.js';
import { rejectionOf } from '../../support/failures.js';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);

describe('downloading an attachment', () => {
  let fake: FakeServer;
  let media: MediaDownloader;
  let guarded: MediaDownloader;
  beforeAll(async () => {
    fake = await startFakeServer();
    fake.on('GET', '/a.png', () => ({ status: 200, body: PNG }));
    fake.on('GET', '/big.png', () => ({ status: 200, body: Buffer.concat([PNG, Buffer.alloc(5_000)]) }));
    fake.on('GET', '/notes.txt', () => ({ status: 200, text: 'plain words' }));
    fake.on('GET', '/private.png', () => ({ status: 200, text: '<!DOCTYPE html><html>Sign in</html>' }));
    media = createMediaDownloader({ userAgent: 'Herald/test', timeoutMs: 2_000, allowLoopback: true });
    guarded = createMediaDownloader({ userAgent: 'Herald/test', timeoutMs: 2_000, allowLoopback: false });
  });
  afterAll(async () => {
    await media.close();
    await guarded.close();
    await fake.close();
  });

  const refusal = (promise: Promise<unknown>) => rejectionOf(promise, MediaError);

  it('GIVEN an image THEN its bytes, its type read from them, and its name', async () => {
    const file = await media.download({ url: `${fake.url}/a.png?ex=1` }, 1_000);
    expect(file).toMatchObject({ mimeType: 'image/png', fileName: 'a.png' });
    expect(Buffer.from(file.data)).toEqual(PNG);
  });

  it('GIVEN a file over the cap THEN too-large, whether declared or found while reading', async () => {
    expect(
      await refusal(media.download({ url: `${fake.url}/a.png`, fileName: 'a.png', size: 9_999 }, 1_000)),
    ).toMatchObject({ kind: 'too-large' });
    expect(await refusal(media.download({ url: `${fake.url}/big.png` }, 1_000))).toMatchObject({
      kind: 'too-large',
      message: 'big.png is larger than 0 MB',
    });
  });

  it('GIVEN text, a sign-in page for a private URL, or a 404 THEN each says so in words', async () => {
    expect(await refusal(media.download({ url: `${fake.url}/notes.txt` }, 1_000))).toMatchObject({
      kind: 'unsupported-type',
    });
    expect(
      await refusal(media.download({ url: `${fake.url}/private.png`, bearer: 'xoxb-t' }, 1_000)),
    ).toMatchObject({ kind: 'unreachable', message: expect.stringMatching(/sign-in page/) });
    expect(await refusal(media.download({ url: `${fake.url}/gone.png` }, 1_000))).toMatchObject({
      kind: 'unreachable',
      message: expect.stringMatching(/^gone\.png could not be downloaded \(HTTP 404\)/),
    });
  });

  it('GIVEN an address inside the network THEN the SSRF guard refuses it before any request', async () => {
    const before = fake.requests.length;
    expect(await refusal(guarded.download({ url: `${fake.url}/a.png` }, 1_000))).toMatchObject({
      kind: 'unreachable',
    });
    expect(await refusal(guarded.download({ url: 'http://169.254.169.254/latest' }, 1_000))).toMatchObject({
      kind: 'unreachable',
    });
    expect(fake.requests.length).toBe(before);
  });
});
