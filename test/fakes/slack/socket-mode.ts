/**
 * Socket Mode on the fake's port: `apps.connections.open` hands out a one-time
 * `ws://…/socket-mode?ticket=…&app_id=…`; a client that connects gets `hello` (with
 * `num_connections`, `debug_info`, `connection_info.app_id`), then envelopes
 * `{ envelope_id, type, payload, accepts_response_payload }` that it acks with
 * `{ envelope_id, payload? }`. `disconnect` messages ask it to reconnect. JSON text frames only.
 * @see https://docs.slack.dev/apis/events-api/using-socket-mode
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { EnvelopedEvent, SlashCommand } from '@slack/bolt';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Issued, Payloads, SlashCommandInput, SlackEventInput } from './payloads.js';
import { isRecord } from './wire.js';

export type SocketModeEnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface SocketModeEnvelopeInput {
  readonly type: SocketModeEnvelopeType;
  readonly payload: unknown;
  /** Whether the ack may carry a response (commands and interactions: yes; events: no). */
  readonly accepts_response_payload?: boolean;
  readonly retry_attempt?: number;
  readonly retry_reason?: string;
}

/** What the app sent back for an envelope. */
export interface SocketModeAck {
  readonly envelope_id: string;
  readonly payload?: unknown;
}

export interface SocketModeConnection {
  readonly id: string;
  readonly open: boolean;
}

export type SocketModeDelivery<T> = Issued<T> & { readonly ack: SocketModeAck };

export interface FakeSocketMode {
  /** Every frame apps sent (acks), parsed, in order. */
  readonly received: readonly unknown[];
  connections(): readonly SocketModeConnection[];
  /** Resolves once `count` (default 1) connections are open and greeted, at once if they are. */
  connected(count?: number): Promise<void>;
  /** Resolves once no connection is open. */
  disconnected(): Promise<void>;
  /** Sends an envelope on the newest connection; resolves with its ack, rejects if the socket closes first. */
  send(envelope: SocketModeEnvelopeInput): Promise<SocketModeAck>;
  sendSlashCommand(input: SlashCommandInput): Promise<SocketModeDelivery<SlashCommand>>;
  /** An interaction payload (see `payloads`) in an `interactive` envelope. */
  sendInteraction(payload: object): Promise<SocketModeAck>;
  sendEvent<E extends SlackEventInput>(
    event: E,
    teamId?: string,
  ): Promise<{ readonly ack: SocketModeAck; readonly payload: EnvelopedEvent<E> }>;
  /** `{ type: "disconnect", reason }` to every open connection; Slack's SDKs reconnect with a new URL. */
  requestDisconnect(reason?: 'refresh_requested' | 'warning' | 'link_disabled'): void;
}

interface Connection {
  readonly id: string;
  readonly socket: WebSocket;
  open: boolean;
}

interface Pending {
  readonly connection: Connection;
  readonly resolve: (ack: SocketModeAck) => void;
  readonly reject: (error: Error) => void;
}

interface Deps {
  readonly appId: string;
  readonly payloads: Payloads;
  /** The fake's `ws://127.0.0.1:PORT`, known once it listens. */
  readonly baseUrl: () => string;
}

export function createSocketMode({ appId, payloads, baseUrl }: Deps) {
  const wss = new WebSocketServer({ noServer: true });
  const tickets = new Set<string>();
  const connections: Connection[] = [];
  const pending = new Map<string, Pending>();
  const received: unknown[] = [];
  const waiters: Array<{ readonly done: () => boolean; readonly resolve: () => void }> = [];

  const openConnections = () => connections.filter((connection) => connection.open);
  const settle = () => {
    for (const waiter of waiters.filter((entry) => entry.done())) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  const waitUntil = (done: () => boolean) =>
    new Promise<void>((resolve) => {
      waiters.push({ done, resolve });
      settle();
    });

  function onConnection(socket: WebSocket): void {
    const connection: Connection = { id: randomUUID(), socket, open: true };
    connections.push(connection);
    socket.send(
      JSON.stringify({
        type: 'hello',
        num_connections: openConnections().length,
        debug_info: { host: 'applink-fake-1', build_number: 1, approximate_connection_time: 18_060 },
        connection_info: { app_id: appId },
      }),
    );
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      let frame: unknown;
      try {
        frame = JSON.parse(String(data));
      } catch {
        return;
      }
      received.push(frame);
      const id = isRecord(frame) && typeof frame.envelope_id === 'string' ? frame.envelope_id : undefined;
      const waiting = id === undefined ? undefined : pending.get(id);
      if (!id || !waiting || !isRecord(frame)) return;
      pending.delete(id);
      waiting.resolve({
        envelope_id: id,
        ...(frame.payload === undefined ? {} : { payload: frame.payload }),
      });
    });
    socket.on('close', () => {
      connection.open = false;
      for (const [id, entry] of pending) {
        if (entry.connection !== connection) continue;
        pending.delete(id);
        entry.reject(new Error(`Socket Mode connection closed before envelope ${id} was acked`));
      }
      settle();
    });
    settle();
  }

  function send(envelope: SocketModeEnvelopeInput): Promise<SocketModeAck> {
    const connection = openConnections().at(-1);
    if (!connection) return Promise.reject(new Error('no Socket Mode connection is open'));
    const envelopeId = randomUUID();
    const frame = { envelope_id: envelopeId, accepts_response_payload: false, ...envelope };
    return new Promise((resolve, reject) => {
      pending.set(envelopeId, { connection, resolve, reject });
      connection.socket.send(JSON.stringify(frame));
    });
  }

  const controls: FakeSocketMode = {
    received,
    connections: () => connections.map(({ id, open }) => ({ id, open })),
    connected: (count = 1) => waitUntil(() => openConnections().length >= count),
    disconnected: () => waitUntil(() => openConnections().length === 0),
    send,
    async sendSlashCommand(input) {
      const issued = payloads.slashCommand(input);
      const ack = await send({
        type: 'slash_commands',
        payload: issued.payload,
        accepts_response_payload: true,
      });
      return { ...issued, ack };
    },
    sendInteraction: (payload) => send({ type: 'interactive', payload, accepts_response_payload: true }),
    async sendEvent(event, teamId) {
      const payload = payloads.eventCallback(event, teamId);
      const ack = await send({ type: 'events_api', payload, retry_attempt: 0, retry_reason: '' });
      return { ack, payload };
    },
    requestDisconnect(reason = 'refresh_requested') {
      const frame = JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-fake-1' } });
      for (const connection of openConnections()) connection.socket.send(frame);
    },
  };

  return {
    controls,
    /** What `apps.connections.open` answers: a URL good for one connection. */
    openUrl(): string {
      const ticket = randomUUID();
      tickets.add(ticket);
      return `${baseUrl()}/socket-mode?ticket=${ticket}&app_id=${appId}`;
    },
    handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
      const url = new URL(request.url ?? '/', 'ws://fake.invalid');
      const ticket = url.searchParams.get('ticket') ?? '';
      if (url.pathname !== '/socket-mode' || !tickets.delete(ticket)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      wss.handleUpgrade(request, socket, head, onConnection);
    },
    /** Ends every connection: upgraded sockets are not the HTTP server's to close. */
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}

export type SocketModeServer = ReturnType<typeof createSocketMode>;
