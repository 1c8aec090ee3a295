/**
 * No test may reach the internet: any outgoing connection to a non-loopback address fails the test
 * at once with a clear error instead of hanging or leaking a request.
 */
import net from 'node:net';

const LOOPBACK = /^(127\.|::1$|::ffff:127\.|localhost$)/;
const originalConnect = net.Socket.prototype.connect;

function targetHost(args: unknown[]): string | undefined {
  const first = args[0];
  if (typeof first === 'object' && first !== null) {
    const options = first as { host?: string; path?: string };
    if (options.path) return 'unix';
    return options.host ?? 'localhost';
  }
  if (typeof first === 'number') return typeof args[1] === 'string' ? args[1] : 'localhost';
  if (typeof first === 'string') return 'unix';
  return undefined;
}

net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
  const host = targetHost(args);
  if (host !== undefined && host !== 'unix' && !LOOPBACK.test(host)) {
    throw new Error(`Test tried to reach the network (${host}); use a loopback fake from test/fakes/.`);
  }
  return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;
