/**
 * Structured logging: one JSON line per event (pretty in a terminal). Messages are constant and the
 * varying parts go in fields. The redaction list keeps tokens and secrets out of every line.
 */
import { pino, type Logger, type DestinationStream, type LoggerOptions } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger } from 'pino';

/** Field names whose values never reach a log line, at any depth up to three objects down. */
const SECRET_FIELDS = [
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'botToken',
  'appToken',
  'clientSecret',
  'client_secret',
  'signingSecret',
  'password',
  'appPassword',
  'apiKey',
  'api_key',
  'authorization',
  'Authorization',
  'cookie',
  'secret',
  'key',
  'encryptionKey',
  'codeVerifier',
  'code_verifier',
  'databaseUrl',
  'connectionString',
];

export const REDACT_PATHS: readonly string[] = SECRET_FIELDS.flatMap((field) => [
  field,
  `*.${field}`,
  `*.*.${field}`,
  `*.*.*.${field}`,
  `headers["${field.toLowerCase()}"]`,
  `*.headers["${field.toLowerCase()}"]`,
]);

const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)([^/@\s:]+):([^/@\s]+)@/gi;

/** Hide the password of any URL written into a message or error (postgres://user:secret@host). */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1$2:[REDACTED]@');
}

export interface LoggerSettings {
  readonly level: LogLevel;
  readonly format?: 'json' | 'pretty' | undefined;
}

/**
 * The root logger. `destination` is for tests; by default logs go to stdout, pretty when it is a
 * terminal and JSON otherwise.
 */
export function createLogger(settings: LoggerSettings, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    base: { app: 'herald' },
    redact: { paths: [...REDACT_PATHS], censor: '[REDACTED]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    hooks: {
      logMethod(args, method) {
        const scrubbed = args.map((arg) => (typeof arg === 'string' ? redactUrlCredentials(arg) : arg));
        method.apply(this, scrubbed as Parameters<typeof method>);
      },
    },
    serializers: {
      // Callers pass Errors, but also messages and plain objects: none of them may break the log line.
      err: (err: unknown) => {
        if (typeof err === 'string') return { message: redactUrlCredentials(err) };
        if (!(err instanceof Error)) return err;
        const serialized = pino.stdSerializers.err(err);
        return {
          ...serialized,
          message: redactUrlCredentials(serialized.message ?? ''),
          ...(serialized.stack ? { stack: redactUrlCredentials(serialized.stack) } : {}),
        };
      },
    },
  };
  if (destination) return pino(options, destination);
  const pretty =
    settings.format === 'pretty' || (settings.format === undefined && process.stdout.isTTY === true);
  if (pretty) {
    return pino({
      ...options,
      transport: {
        target: 'pino-pretty',
        options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,app' },
      },
    });
  }
  return pino(options);
}

/** A child logger for one subsystem (`db`, `worker`, `http`, …). */
export function subsystem(root: Logger, name: string, fields: Record<string, unknown> = {}): Logger {
  return root.child({ subsystem: name, ...fields });
}
