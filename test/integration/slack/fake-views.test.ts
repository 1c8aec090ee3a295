/**
 * The Slack fake's modals, against a bare WebClient and a stub app: the Block Kit rules `views.open`
 * and `views.update` enforce, and how a submission's acknowledgement is read (errors only under
 * input blocks that exist, an update checked like a new view, 3 s at most).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlackFake, type SlackFake } from '../../fakes/slack/index.js';

const input = (blockId: string, element: Record<string, unknown>, optional = false) => ({
  type: 'input',
  block_id: blockId,
  optional,
  label: { type: 'plain_text', text: blockId },
  element: { action_id: blockId, ...element },
});
const option = (n: number) => ({ text: { type: 'plain_text', text: `Option ${n}` }, value: `v${n}` });
const modal = (blocks: unknown[]) => ({
  type: 'modal',
  callback_id: 'stub',
  title: { type: 'plain_text', text: 'Stub' },
  submit: { type: 'plain_text', text: 'Send' },
  blocks,
});

describe('the Slack fake’s modals', () => {
  let fake: SlackFake;
  let client: WebClient;
  let app: Server;
  let url: string;
  let answer: { body: string; delayMs: number } = { body: '', delayMs: 0 };
  let userId: string;

  beforeAll(async () => {
    fake = await startSlackFake();
    client = new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
    userId = fake.addUser({ name: 'ann' });
    app = createServer((request, response) => {
      request.resume();
      request.on('end', () =>
        setTimeout(() => {
          response.writeHead(200, answer.body ? { 'content-type': 'application/json' } : {});
          response.end(answer.body);
        }, answer.delayMs),
      );
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(app.address() as AddressInfo).port}/slack/events`;
  });
  afterAll(async () => {
    await new Promise((resolve) => app?.close(resolve));
    await fake?.close();
  });

  const open = (blocks: unknown[]) =>
    client.views.open({ trigger_id: fake.issueTrigger(userId), view: modal(blocks) as never });
  const refusal = (call: Promise<unknown>) =>
    call.then(
      () => [],
      (err: { data?: { error?: string; response_metadata?: { messages?: string[] } } }) => [
        err.data?.error,
        ...(err.data?.response_metadata?.messages ?? []),
      ],
    );

  it.each([
    [
      '11 checkboxes',
      [input('a', { type: 'checkboxes', options: Array.from({ length: 11 }, (_, i) => option(i)) })],
      'must provide at most 10 items',
    ],
    [
      'a duplicate block id',
      [input('a', { type: 'plain_text_input' }), input('a', { type: 'plain_text_input' })],
      'duplicate block_id: a',
    ],
    [
      'an initial option that is not an option',
      [input('a', { type: 'checkboxes', options: [option(1)], initial_options: [option(2)] })],
      'initial_options must be a subset of options',
    ],
    [
      'a text input over 3000',
      [input('a', { type: 'plain_text_input', max_length: 4000 })],
      'must be between 1 and 3000',
    ],
    ['eleven files', [input('a', { type: 'file_input', max_files: 11 })], 'must be between 1 and 10'],
    ['an unknown element', [input('a', { type: 'rich_text_editor' })], 'failed to match all allowed schemas'],
  ])(
    'GIVEN %s THEN views.open answers invalid_arguments with Slack’s reason',
    async (_name, blocks, reason) => {
      const [code, ...messages] = await refusal(open(blocks));
      expect(code).toBe('invalid_arguments');
      expect(messages.join('\n')).toContain(reason);
    },
  );

  it('GIVEN an open modal THEN views.update replaces it, checks the hash, and refuses a broken view', async () => {
    const { view } = await open([input('a', { type: 'plain_text_input' })]);
    const updated = await client.views.update({
      view_id: view!.id!,
      hash: view!.hash!,
      view: modal([input('b', { type: 'datetimepicker' }, true)]) as never,
    });
    expect(updated.view?.id).toBe(view!.id);
    expect(fake.view(view!.id!)?.view.blocks).toEqual([input('b', { type: 'datetimepicker' }, true)]);
    expect(
      await refusal(client.views.update({ view_id: view!.id!, hash: view!.hash!, view: modal([]) as never })),
    ).toEqual(['hash_conflict']);
    const [code] = await refusal(
      client.views.update({
        view_id: view!.id!,
        view: modal([input('c', { type: 'checkboxes', options: [] })]) as never,
      }),
    );
    expect(code).toBe('invalid_arguments');
    expect(await refusal(client.views.update({ view_id: 'V404', view: modal([]) as never }))).toEqual([
      'not_found',
    ]);
  });

  it('GIVEN a submission THEN the acknowledgement decides: errors under real input blocks, an update checked, 3 s at most', async () => {
    const { view } = await open([
      input('a', { type: 'plain_text_input' }),
      input('b', { type: 'checkboxes', options: [option(1)] }, true),
    ]);
    const viewId = view!.id!;
    answer = { body: JSON.stringify({ response_action: 'errors', errors: { a: 'Too short' } }), delayMs: 0 };
    const errors = await fake.submitView({ url, viewId, values: { a: 'x', b: ['v1'] } });
    expect(errors).toMatchObject({ outcome: 'errors', errors: { a: 'Too short' } });
    expect(errors.payload.view.state.values).toEqual({
      a: { a: { type: 'plain_text_input', value: 'x' } },
      b: { b: { type: 'checkboxes', selected_options: [option(1)] } },
    });

    answer = { body: JSON.stringify({ response_action: 'errors', errors: { nope: 'Where?' } }), delayMs: 0 };
    expect(await fake.submitView({ url, viewId, values: { a: 'x' } })).toMatchObject({ outcome: 'failed' });

    answer = {
      body: JSON.stringify({
        response_action: 'update',
        view: modal([input('a', { type: 'file_input', max_files: 0 })]),
      }),
      delayMs: 0,
    };
    const broken = await fake.submitView({ url, viewId, values: { a: 'x' } });
    expect(broken.outcome).toBe('failed');
    expect(broken.problems.join('\n')).toContain('max_files');

    answer = { body: '', delayMs: 3_100 };
    expect(await fake.submitView({ url, viewId, values: { a: 'x' } })).toMatchObject({ outcome: 'failed' });
    answer = { body: '', delayMs: 0 };
    expect(await fake.submitView({ url, viewId, values: { a: 'x' } })).toMatchObject({ outcome: 'closed' });
    expect(fake.view(viewId)?.closed).toBe(true);
    await expect(fake.submitView({ url, viewId })).rejects.toThrow(/closed/);
  });
});
