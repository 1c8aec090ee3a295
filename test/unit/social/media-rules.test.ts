import { describe, expect, it } from 'vitest';
import { checkMedia, sniffMimeType } from '../../../social/media-rules.js';
import type { PublishLimits } from '../../../social/provider.js';

const bytes = (...values: Array<number | string>) =>
  Uint8Array.from(values.flatMap((v) => (typeof v === 'string' ? [...v].map((c) => c.charCodeAt(0)) : [v])));

const LIMITS: PublishLimits = {
  maxLength: 280,
  counting: 'twitter-text',
  maxMedia: 4,
  maxImageBytes: 5 * 1_048_576,
  maxVideoBytes: 512 * 1_048_576,
  imageTypes: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'],
  videoTypes: ['video/mp4'],
};

describe('sniffMimeType', () => {
  it.each([
    [bytes(0xff, 0xd8, 0xff, 0xe0), 'image/jpeg'],
    [bytes(0x89, 'PNG', 0x0d, 0x0a, 0x1a, 0x0a, 0), 'image/png'],
    [bytes('GIF89a', 1), 'image/gif'],
    [bytes('RIFF', 0, 0, 0, 0, 'WEBPVP8 '), 'image/webp'],
    [bytes(0, 0, 0, 0x18, 'ftypisom'), 'video/mp4'],
    [bytes(0, 0, 0, 0x14, 'ftypqt  '), 'video/quicktime'],
  ])('GIVEN a file signature THEN %#: %s', (data, type) => {
    expect(sniffMimeType(data)).toBe(type);
  });

  it('GIVEN text, an empty file or an executable THEN nothing Herald posts', () => {
    expect(sniffMimeType(bytes('hello'))).toBeUndefined();
    expect(sniffMimeType(new Uint8Array())).toBeUndefined();
    expect(sniffMimeType(bytes(0x7f, 'ELF'))).toBeUndefined();
  });
});

describe('checkMedia', () => {
  const image = (label: string, byteSize: number, mimeType = 'image/png') => ({ label, byteSize, mimeType });

  it('GIVEN no media THEN fine everywhere, even where posts take none', () => {
    expect(checkMedia([], { ...LIMITS, maxMedia: 0 }, 'RSS')).toEqual({ ok: true });
  });

  it('GIVEN too many, a wrong type or too large THEN the first reason, in words', () => {
    const five = Array.from({ length: 5 }, (_, i) => image(`p${i}.png`, 10));
    expect(checkMedia(five, LIMITS, 'X')).toEqual({ ok: false, reason: '5 files; X takes at most 4' });
    expect(checkMedia([image('clip.mov', 10, 'video/quicktime')], LIMITS, 'X')).toEqual({
      ok: false,
      reason: 'clip.mov is video/quicktime; X takes jpeg, png, webp, gif, mp4',
    });
    expect(checkMedia([image('big.png', 6 * 1_048_576)], LIMITS, 'X')).toEqual({
      ok: false,
      reason: 'big.png is 6 MB; X takes up to 5 MB',
    });
  });

  it('GIVEN a video within the video limit THEN accepted although larger than an image may be', () => {
    expect(checkMedia([image('clip.mp4', 50 * 1_048_576, 'video/mp4')], LIMITS, 'X')).toEqual({ ok: true });
  });
});
