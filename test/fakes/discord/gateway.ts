/**
 * The fake's gateway (v10, JSON text frames, no compression), served by `ws` on the REST server's
 * port: HELLO, IDENTIFY (token and intents checked, 4004/4013/4014 closes), READY with the guilds as
 * unavailable, one GUILD_CREATE per guild (with the GUILDS intent), HEARTBEAT → HEARTBEAT_ACK,
 * sequence numbers, RESUME (replays what was missed, then RESUMED) or INVALID_SESSION, and the
 * dispatches of world changes and interactions. Every frame a client sends is recorded.
 * @see https://discord.com/developers/docs/events/gateway
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  ApplicationFlags,
  GatewayCloseCodes,
  GatewayDispatchEvents,
  GatewayIntentBits,
  GatewayOpcodes,
  type GatewayIdentifyData,
  type GatewayReadyDispatchData,
  type GatewayResumeData,
} from 'discord-api-types/v10';
import type { World, WorldEvent } from './world.js';

const PRIVILEGED =
  GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences | GatewayIntentBits.MessageContent;
const ALL_INTENTS = Object.values(GatewayIntentBits)
  .filter((bit): bit is number => typeof bit === 'number')
  .reduce((all, bit) => all | bit, 0);
/** Discord forgets a session closed with these; the client must identify again. */
const ENDS_SESSION = new Set([1000, 1001, GatewayCloseCodes.InvalidSeq, GatewayCloseCodes.SessionTimedOut]);

export interface GatewayFrame {
  readonly op: number;
  readonly d?: unknown;
  readonly s?: number | null;
  readonly t?: string | null;
}

export interface GatewaySessionInfo {
  readonly id: string;
  readonly intents: number;
  readonly shard: readonly [number, number];
  readonly sequence: number;
  readonly connected: boolean;
}

/** What a test can do to the gateway and see of it. */
export interface FakeGateway {
  /** The URL `GET /gateway/bot` and READY's `resume_gateway_url` give. */
  readonly url: string;
  /** Every payload clients sent, in order (IDENTIFY carries the token as sent). */
  readonly received: readonly GatewayFrame[];
  readonly sessions: () => readonly GatewaySessionInfo[];
  /** IDENTIFYs accepted so far (`session_start_limit` counts them down). */
  readonly identifies: () => number;
  /** Server-side close of every connection; 4000 lets clients resume, 1000/4009 end the session. */
  closeConnections(code?: number): void;
  /** Op 7 RECONNECT to every connection: clients close and resume. */
  requestReconnect(): void;
  /** Op 9 INVALID_SESSION to every connection; not resumable by default. */
  invalidateSessions(resumable?: boolean): void;
}

interface Session {
  readonly id: string;
  readonly intents: number;
  readonly shard: readonly [number, number];
  sequence: number;
  /** Every dispatch sent, for RESUME to replay what a dropped connection missed. */
  readonly sent: GatewayFrame[];
  socket: WebSocket | undefined;
}

export interface GatewayDeps {
  readonly world: World;
  readonly token: () => string;
  readonly applicationId: string;
  readonly heartbeatIntervalMs: number;
  /** Privileged intents enabled for the app in the developer portal. */
  readonly privilegedIntents: number;
  readonly url: () => string;
}

export interface GatewayServer extends FakeGateway {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Sends a dispatch to the one session whose shard holds the guild; false if there is none. */
  dispatchTo(guildId: string, t: GatewayDispatchEvents, d: unknown): boolean;
  close(): Promise<void>;
}

/** The "limited" intent flags a verified-looking app has for the privileged intents enabled. */
export function applicationFlags(privileged: number): ApplicationFlags {
  let flags = 0;
  if (privileged & GatewayIntentBits.GuildPresences) flags |= ApplicationFlags.GatewayPresenceLimited;
  if (privileged & GatewayIntentBits.GuildMembers) flags |= ApplicationFlags.GatewayGuildMembersLimited;
  if (privileged & GatewayIntentBits.MessageContent) flags |= ApplicationFlags.GatewayMessageContentLimited;
  return flags as ApplicationFlags;
}

const inShard = (guildId: string, [id, count]: readonly [number, number]) =>
  (BigInt(guildId) >> 22n) % BigInt(count) === BigInt(id);

export function createGateway(deps: GatewayDeps): GatewayServer {
  const wss = new WebSocketServer({ noServer: true });
  const sessions = new Map<string, Session>();
  const received: GatewayFrame[] = [];
  let identifies = 0;

  const send = (socket: WebSocket | undefined, frame: GatewayFrame) => {
    // JSON goes in text frames: @discordjs/ws drops uncompressed binary frames.
    if (socket && socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
  };

  function dispatch(session: Session, t: GatewayDispatchEvents, d: unknown): void {
    session.sequence += 1;
    const frame = { op: GatewayOpcodes.Dispatch, t, s: session.sequence, d };
    session.sent.push(frame);
    send(session.socket, frame);
  }

  function onWorldEvent(event: WorldEvent): void {
    for (const session of sessions.values()) {
      if (event.intent !== null && (session.intents & event.intent) === 0) continue;
      if (!inShard(event.guildId, session.shard)) continue;
      dispatch(session, event.t, event.data(session.intents));
    }
  }
  const unsubscribe = deps.world.subscribe(onWorldEvent);

  function identify(socket: WebSocket, d: GatewayIdentifyData): Session | undefined {
    if (d.token !== deps.token()) {
      socket.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return undefined;
    }
    if (typeof d.intents !== 'number' || (d.intents & ~ALL_INTENTS) !== 0) {
      socket.close(GatewayCloseCodes.InvalidIntents, 'Invalid intent(s).');
      return undefined;
    }
    if ((d.intents & PRIVILEGED & ~deps.privilegedIntents) !== 0) {
      socket.close(GatewayCloseCodes.DisallowedIntents, 'Disallowed intent(s).');
      return undefined;
    }
    const shard = d.shard ?? [0, 1];
    if (shard[0] < 0 || shard[0] >= shard[1]) {
      socket.close(GatewayCloseCodes.InvalidShard, 'Invalid shard.');
      return undefined;
    }
    identifies += 1;
    const session: Session = {
      id: randomBytes(16).toString('hex'),
      intents: d.intents,
      shard,
      sequence: 0,
      sent: [],
      socket,
    };
    sessions.set(session.id, session);
    const guildIds = [...deps.world.guilds.keys()].filter((id) => inShard(id, shard));
    const flags = applicationFlags(deps.privilegedIntents);
    const ready: GatewayReadyDispatchData = {
      v: 10,
      user: deps.world.bot,
      guilds: guildIds.map((id) => ({ id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: deps.url(),
      shard: [shard[0], shard[1]],
      application: { id: deps.applicationId, flags, flags_new: String(flags) },
    };
    dispatch(session, GatewayDispatchEvents.Ready, ready);
    // Guilds then arrive one by one (lazy loading), and only to sessions with the GUILDS intent.
    if (d.intents & GatewayIntentBits.Guilds) {
      for (const id of guildIds)
        dispatch(session, GatewayDispatchEvents.GuildCreate, deps.world.guildCreate(id, d.intents));
    }
    return session;
  }

  function resume(socket: WebSocket, d: GatewayResumeData): Session | undefined {
    if (d.token !== deps.token()) {
      socket.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return undefined;
    }
    const session = sessions.get(d.session_id);
    if (!session || d.seq > session.sequence) {
      send(socket, { op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
      return undefined;
    }
    session.socket?.close(GatewayCloseCodes.SessionTimedOut);
    session.socket = socket;
    for (const frame of session.sent) if ((frame.s ?? 0) > d.seq) send(socket, frame);
    session.sequence += 1;
    const resumed = {
      op: GatewayOpcodes.Dispatch,
      t: GatewayDispatchEvents.Resumed,
      s: session.sequence,
      d: null,
    };
    session.sent.push(resumed);
    send(socket, resumed);
    return session;
  }

  function onConnection(socket: WebSocket): void {
    let session: Session | undefined;
    send(socket, {
      op: GatewayOpcodes.Hello,
      d: { heartbeat_interval: deps.heartbeatIntervalMs },
      s: null,
      t: null,
    });
    socket.on('message', (data, isBinary) => {
      let frame: GatewayFrame;
      try {
        if (isBinary) throw new Error('binary frame');
        frame = JSON.parse(String(data)) as GatewayFrame;
      } catch {
        socket.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
        return;
      }
      received.push(frame);
      switch (frame.op) {
        case GatewayOpcodes.Heartbeat:
          return send(socket, { op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null });
        case GatewayOpcodes.Identify:
        case GatewayOpcodes.Resume:
          if (session) return socket.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
          // Discord answers a payload without its `d` object with a decode error.
          if (typeof frame.d !== 'object' || frame.d === null) {
            return socket.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
          }
          session =
            frame.op === GatewayOpcodes.Identify
              ? identify(socket, frame.d as GatewayIdentifyData)
              : resume(socket, frame.d as GatewayResumeData);
          return;
        case GatewayOpcodes.PresenceUpdate:
        case GatewayOpcodes.VoiceStateUpdate:
        case GatewayOpcodes.RequestGuildMembers:
        case GatewayOpcodes.RequestSoundboardSounds:
          if (!session) socket.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
          return;
        default:
          socket.close(GatewayCloseCodes.UnknownOpcode, 'Unknown opcode.');
      }
    });
    socket.on('close', (code) => {
      if (!session || session.socket !== socket) return;
      session.socket = undefined;
      if (ENDS_SESSION.has(code)) sessions.delete(session.id);
    });
  }

  return {
    get url() {
      return deps.url();
    },
    received,
    sessions: () =>
      [...sessions.values()].map((s) => ({
        id: s.id,
        intents: s.intents,
        shard: s.shard,
        sequence: s.sequence,
        connected: s.socket !== undefined,
      })),
    identifies: () => identifies,
    handleUpgrade(request, socket, head) {
      const url = new URL(request.url ?? '/', 'ws://fake.invalid');
      if (url.pathname !== '/') {
        socket.destroy();
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => {
        if (url.searchParams.get('v') !== '10')
          ws.close(GatewayCloseCodes.InvalidAPIVersion, 'Invalid API version.');
        else if ((url.searchParams.get('encoding') ?? 'json') !== 'json') {
          ws.close(GatewayCloseCodes.DecodeError, 'Only JSON encoding is supported by the fake.');
        } else onConnection(ws);
      });
    },
    dispatchTo(guildId, t, d) {
      const session = [...sessions.values()].find((s) => inShard(guildId, s.shard));
      if (!session) return false;
      dispatch(session, t, d);
      return true;
    },
    closeConnections(code = GatewayCloseCodes.UnknownError) {
      for (const session of sessions.values()) {
        session.socket?.close(code);
        if (ENDS_SESSION.has(code)) sessions.delete(session.id);
      }
    },
    requestReconnect() {
      for (const session of sessions.values())
        send(session.socket, { op: GatewayOpcodes.Reconnect, d: null, s: null, t: null });
    },
    invalidateSessions(resumable = false) {
      for (const session of [...sessions.values()]) {
        send(session.socket, { op: GatewayOpcodes.InvalidSession, d: resumable, s: null, t: null });
        if (!resumable) sessions.delete(session.id);
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        unsubscribe();
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}
