import { describe, expect, it } from 'vitest';
import { assertFetchableUrl, isPublicAddress } from '../../../social/ssrf.js';

describe('SSRF guard', () => {
  it.each([
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '127.0.0.1',
    '127.8.8.8',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::10.0.0.1',
    'not-an-ip',
  ])('GIVEN %s THEN it is refused', (address) => {
    expect(isPublicAddress(address, { allowLoopback: false })).toBe(false);
  });

  it.each(['93.184.216.34', '1.1.1.1', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'GIVEN the public address %s THEN it is allowed',
    (address) => {
      expect(isPublicAddress(address, { allowLoopback: false })).toBe(true);
    },
  );

  it('GIVEN the loopback switch THEN loopback is allowed but the rest of the private ranges stay closed', () => {
    expect(isPublicAddress('127.0.0.1', { allowLoopback: true })).toBe(true);
    expect(isPublicAddress('::1', { allowLoopback: true })).toBe(true);
    expect(isPublicAddress('10.0.0.1', { allowLoopback: true })).toBe(false);
    expect(isPublicAddress('169.254.169.254', { allowLoopback: true })).toBe(false);
  });

  it.each([
    ['file:///etc/passwd', /only http and https/],
    ['gopher://example.com/', /only http and https/],
    ['http://user:pw@example.com/', /user name or password/],
    ['http://127.0.0.1:8080/feed', /private, loopback or reserved/],
    ['http://[::1]/feed', /private, loopback or reserved/],
    ['http://169.254.169.254/latest/meta-data', /private, loopback or reserved/],
  ])('GIVEN %s THEN it is refused before any connection', (url, reason) => {
    expect(() => assertFetchableUrl(new URL(url), { allowLoopback: false })).toThrow(reason);
  });

  it('GIVEN a public https URL THEN it passes', () => {
    expect(() =>
      assertFetchableUrl(new URL('https://example.com/feed.xml'), { allowLoopback: false }),
    ).not.toThrow();
  });
});
