/**
 * The guard for URLs that came from a user or a payload (a feed URL, a Mastodon instance, a media
 * link): only http(s), and never an address inside our own network once DNS has answered. The check
 * runs in the socket's own DNS lookup, so the address validated is the address connected to (no
 * window for DNS rebinding).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv6');
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** The IPv4 address inside an IPv4-mapped or NAT64 IPv6 address, if it is one. */
function embeddedIpv4(address: string): string | undefined {
  const match = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (match) return match[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return undefined;
  const high = parseInt(hex[1] ?? '0', 16);
  const low = parseInt(hex[2] ?? '0', 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** Whether Herald may connect to `address` on behalf of a user-supplied URL. */
export function isPublicAddress(address: string, options: { allowLoopback: boolean }): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  const v4 = family === 6 ? embeddedIpv4(address) : address;
  const [checked, type] = v4 !== undefined ? [v4, 'ipv4' as const] : [address, 'ipv6' as const];
  if (options.allowLoopback && LOOPBACK.check(checked, type)) return true;
  return !PRIVATE.check(checked, type);
}

export class ForbiddenUrlError extends Error {
  override name = 'ForbiddenUrlError';
}

/** Reject a URL before any connection: not http(s), credentials in it, or a private literal address. */
export function assertFetchableUrl(url: URL, options: { allowLoopback: boolean }): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ForbiddenUrlError(
      `only http and https URLs can be fetched, not ${url.protocol.replace(':', '')}`,
    );
  }
  if (url.username || url.password)
    throw new ForbiddenUrlError('URLs with a user name or password are not fetched');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !isPublicAddress(host, options)) {
    throw new ForbiddenUrlError(`${host} is a private, loopback or reserved address`);
  }
}

/** A DNS lookup for sockets that fails when any answer is a private address. */
export function guardedLookup(options: { allowLoopback: boolean }): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    dnsLookup(hostname, { ...lookupOptions, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const blocked = addresses.find((entry) => !isPublicAddress(entry.address, options));
      if (blocked || addresses.length === 0) {
        const error = new ForbiddenUrlError(
          `${hostname} resolves to ${blocked?.address ?? 'nothing'}, a private, loopback or reserved address`,
        ) as NodeJS.ErrnoException;
        error.code = 'ERR_HERALD_FORBIDDEN_ADDRESS';
        return callback(error, '', 0);
      }
      if (lookupOptions.all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0] as LookupAddress;
      return callback(null, first.address, first.family);
    });
  };
}
