import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discordFollowUp, sendFollowUp, slackFollowUp } from '../../core/chat-follow-up.js';

describe('the private confirmation after a sign-in', () => {
  const received: Array<{ path: string; body: Record<string, unknown> }> = [];
  let base: string;
  const server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(text) as Record<string, unknown> });
      res.writeHead(req.url?.includes('gone') ? 404 : 200).end('{}');
    });
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('GIVEN a Discord interaction THEN an ephemeral follow-up on its webhook, pinging no one', async () => {
    expect(
      await sendFollowUp(discordFollowUp('111', 'tok.en-1'), '@a is linked', {
        discordApiUrl: `${base}/api`,
      }),
    ).toBe(true);
    expect(received.at(-1)).toEqual({
      path: '/api/v10/webhooks/111/tok.en-1',
      body: { content: '@a is linked', flags: 64, allowed_mentions: { parse: [] } },
    });
  });

  it('GIVEN a Slack response URL THEN an ephemeral message there', async () => {
    expect(
      await sendFollowUp(slackFollowUp(`${base}/response/abc`), 'linked', { discordApiUrl: undefined }),
    ).toBe(true);
    expect(received.at(-1)).toEqual({
      path: '/response/abc',
      body: { text: 'linked', response_type: 'ephemeral', replace_original: false },
    });
  });

  it('GIVEN an expired URL, an unknown handle or no Discord THEN false, and nothing thrown', async () => {
    expect(await sendFollowUp(slackFollowUp(`${base}/gone`), 'x', { discordApiUrl: undefined })).toBe(false);
    expect(await sendFollowUp('carrier-pigeon:1', 'x', { discordApiUrl: undefined })).toBe(false);
    expect(await sendFollowUp(discordFollowUp('1', 't'), 'x', { discordApiUrl: undefined })).toBe(false);
  });
});
