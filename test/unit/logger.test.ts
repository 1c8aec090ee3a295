import { describe, expect, it } from 'vitest';
import { redactUrlCredentials } from '../../core/logger.js';
import { captureLogs } from '../support/log-capture.js';

const SECRETS = [
  'tok-123-secret',
  'refresh-456-secret',
  'xoxb-789-secret',
  'pw-000-secret',
  'Bearer abc-secret',
  'dbpass-secret',
];

describe('logger', () => {
  it('GIVEN tokens and secrets in fields at any depth THEN no line contains them', () => {
    const { logger, lines } = captureLogs();
    logger.info({ token: SECRETS[0], account: { refreshToken: SECRETS[1] } }, 'account refreshed');
    logger.info({ tenant: { install: { botToken: SECRETS[2] } } }, 'tenant installed');
    logger.warn(
      { request: { headers: { authorization: SECRETS[4] } }, password: SECRETS[3] },
      'request failed',
    );
    logger.info({ databaseUrl: `postgres://herald:${SECRETS[5]}@db/herald` }, 'database chosen');
    const output = lines.join('\n');
    for (const secret of SECRETS) expect(output).not.toContain(secret);
    expect(output).toContain('[REDACTED]');
    expect(lines).toHaveLength(4);
  });

  it('GIVEN secrets in child bindings, arrays, deep objects and the fields of an error THEN none is written and the logged objects are unchanged', () => {
    const { logger, lines } = captureLogs();
    const account = { handle: 'herald', credentials: { accessToken: SECRETS[0] } };
    const err = Object.assign(new Error('refresh refused'), {
      response: { body: { refresh_token: SECRETS[1] } },
    });
    logger
      .child({ subsystem: 'worker' })
      .child({ tenant: { botToken: SECRETS[2] } })
      .info({ accounts: [account] }, 'accounts listed');
    logger.warn({ err, a: { b: { c: { d: { e: { Authorization: SECRETS[4] } } } } } }, 'deep');
    const output = lines.join('\n');
    for (const secret of SECRETS.slice(0, 5)) expect(output).not.toContain(secret);
    expect(account.credentials.accessToken).toBe(SECRETS[0]);
    expect(err.response.body.refresh_token).toBe(SECRETS[1]);
    const [first, second] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(first).toMatchObject({
      tenant: { botToken: '[REDACTED]' },
      accounts: [{ handle: 'herald', credentials: { accessToken: '[REDACTED]' } }],
    });
    expect(second).toMatchObject({
      err: { message: 'refresh refused', response: { body: { refresh_token: '[REDACTED]' } } },
    });
  });

  it('GIVEN a URL with a password in a message or error THEN the password is replaced', () => {
    const { logger, lines } = captureLogs();
    logger.error(
      { err: new Error(`connect to postgres://herald:${SECRETS[5]}@10.0.0.1/herald failed`) },
      'database failed',
    );
    logger.info(`using postgres://herald:${SECRETS[5]}@db:5432/herald`);
    const output = lines.join('\n');
    expect(output).not.toContain(SECRETS[5]);
    expect(output).toContain('postgres://herald:[REDACTED]@10.0.0.1/herald');
  });

  it('GIVEN an err that is a message or an object THEN the line is still written, with URL passwords hidden', () => {
    const { logger, lines } = captureLogs();
    logger.warn({ err: `token exchange at https://u:${SECRETS[5]}@x.example failed` }, 'linking failed');
    logger.warn({ err: { code: 'E42' } }, 'odd failure');
    logger.warn({ err: undefined }, 'no cause');
    expect(lines).toHaveLength(3);
    const [first, second] = lines.map((line) => JSON.parse(line) as { err?: unknown });
    expect(first!.err).toEqual({ message: 'token exchange at https://u:[REDACTED]@x.example failed' });
    expect(second!.err).toEqual({ code: 'E42' });
  });

  it('GIVEN an event THEN writes one JSON line with level name, time and message', () => {
    const { logger, events } = captureLogs();
    logger.child({ subsystem: 'worker' }).info({ jobs: 3 }, 'worker started');
    expect(events()).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'worker started',
        subsystem: 'worker',
        jobs: 3,
        time: expect.any(String),
      }),
    ]);
  });

  it('GIVEN text without credentials THEN redaction leaves it alone', () => {
    expect(redactUrlCredentials('see https://example.com/a@b and user@example.com')).toBe(
      'see https://example.com/a@b and user@example.com',
    );
  });
});
