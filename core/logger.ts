/**
 * Structured logging: one JSON line per event (pretty in a terminal). Messages are constant and the
 * varying parts go in fields. The redaction list keeps tokens and secrets out of every line.
 */
import { pino, type Logger, type DestinationStream, type LoggerOptions } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger } from 'pino';

/** Field names whose values never reach a log line, at any depth, in any letter case. */
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

const SECRET_KEYS = new Set(SECRET_FIELDS.flatMap((field) => [field, field.toLowerCase()]));
const CENSOR = '[REDACTED]';
// Deep enough for any payload Herald logs; a cycle stops here too.
const MAX_SCRUB_DEPTH = 8;

const isSecretKey = (key: string): boolean => SECRET_KEYS.has(key) || SECRET_KEYS.has(key.toLowerCase());

/**
 * `value` with the value of every secret field replaced, at any depth. Only the objects on the way
 * to a secret are copied: the caller's objects are never changed, and the common case (nothing to
 * hide) allocates nothing. pino's own path-based redaction was replaced by this because it cloned
 * and walked ~140 wildcard paths for every field of every line and every child logger: a quarter
 * of all the memory the import pipeline allocated.
 */
export function scrubSecrets(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || depth > MAX_SCRUB_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, i) => {
      const scrubbed = scrubSecrets(item, depth + 1);
      if (scrubbed !== item) (copy ??= [...(value as unknown[])])[i] = scrubbed;
    });
    return copy ?? value;
  }
  // Dates, URLs, Buffers: their JSON is what toJSON says, not their fields.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    const scrubbed = isSecretKey(key) && item !== undefined ? CENSOR : scrubSecrets(item, depth + 1);
    if (scrubbed !== item) (copy ??= { ...value })[key] = scrubbed;
  }
  return copy ?? value;
}

/** A log call's fields, scrubbed; `err` is left to its serializer, which scrubs what it makes. */
function scrubFields(fields: Record<string, unknown>): Record<string, unknown> {
  const { err, ...rest } = fields;
  const scrubbed = scrubSecrets(rest);
  if (scrubbed === rest) return fields;
  return err === undefined ? (scrubbed as Record<string, unknown>) : { ...(scrubbed as object), err };
}

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
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      bindings: (bindings) => scrubSecrets(bindings) as Record<string, unknown>,
      log: scrubFields,
    },
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
        if (!(err instanceof Error)) return scrubSecrets(err);
        const serialized = pino.stdSerializers.err(err);
        return scrubSecrets({
          ...serialized,
          message: redactUrlCredentials(serialized.message ?? ''),
          ...(serialized.stack ? { stack: redactUrlCredentials(serialized.stack) } : {}),
        });
      },
    },
  };
  if (destination) return scrubChildBindings(pino(options, destination));
  const pretty =
    settings.format === 'pretty' || (settings.format === undefined && process.stdout.isTTY === true);
  if (pretty) {
    return scrubChildBindings(
      pino({
        ...options,
        transport: {
          target: 'pino-pretty',
          options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,app' },
        },
      }),
    );
  }
  return scrubChildBindings(pino(options));
}

/**
 * pino applies `formatters.bindings` to the root's bindings only, so children's bindings are
 * scrubbed here. A pino child is `Object.create(parent)`: every descendant inherits this `child`.
 */
function scrubChildBindings(root: Logger): Logger {
  const child = root.child;
  const scrubbingChild = function (this: Logger, bindings: Record<string, unknown>, options?: object) {
    return child.call(this, scrubSecrets(bindings) as Record<string, unknown>, options);
  };
  Object.defineProperty(root, 'child', { value: scrubbingChild, writable: true, configurable: true });
  return root;
}

/** A child logger for one subsystem (`db`, `worker`, `http`, …). */
export function subsystem(root: Logger, name: string, fields: Record<string, unknown> = {}): Logger {
  return root.child({ subsystem: name, ...fields });
}
