/**
 * Requests signed as Slack signs them: `X-Slack-Request-Timestamp` (Unix seconds) and
 * `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<timestamp>:<raw body>">` with the app's signing
 * secret. Form bodies go as exactly `application/x-www-form-urlencoded`: Bolt compares the header with
 * `===`, so a `; charset=utf-8` suffix makes it answer 400.
 * @see https://docs.slack.dev/authentication/verifying-requests-from-slack
 */
import { createHmac } from 'node:crypto';

export const FORM = 'application/x-www-form-urlencoded';
export const JSON_TYPE = 'application/json';
/** Bolt rejects timestamps more than 5 minutes old; a stale request is a minute past that. */
const STALE_SECONDS = 6 * 60;

export interface SigningOptions {
  /** Sign with this secret instead of the app's (a forged request). */
  readonly secret?: string;
  /** The timestamp to send and sign, in Unix seconds; the wall clock by default (Bolt checks against its own). */
  readonly timestamp?: number;
  /** Sign with a timestamp six minutes old, which Bolt refuses as a replay. */
  readonly stale?: boolean;
  /** Send no signature headers at all. */
  readonly unsigned?: boolean;
  /** Another `Content-Type` than Slack's (to reproduce the charset gotcha). */
  readonly contentType?: string;
}

/** What the app answered. */
export interface SlackHttpResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body as JSON (throws if it is not JSON). */
  json(): unknown;
}

/** `v0=` and the hex HMAC-SHA256 of `v0:<timestamp>:<body>`. */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** POSTs `body` to the app as Slack would, signed with `secret` unless the options say otherwise. */
export async function postSigned(
  url: string,
  body: string,
  contentType: string,
  secret: string,
  options: SigningOptions = {},
): Promise<SlackHttpResult> {
  const nowSeconds = Math.floor(Date.now() / 1000);
  const timestamp = options.timestamp ?? (options.stale ? nowSeconds - STALE_SECONDS : nowSeconds);
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? contentType,
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
  };
  if (!options.unsigned) {
    headers['x-slack-request-timestamp'] = String(timestamp);
    headers['x-slack-signature'] = slackSignature(options.secret ?? secret, timestamp, body);
  }
  const response = await fetch(url, { method: 'POST', headers, body });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: () => JSON.parse(text) as unknown,
  };
}
