import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHerald } from '../support/herald-process.js';

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'posts', 'x-hostile.json');

describe('herald render', () => {
  let cwd: string;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'herald-render-'));
  });
  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('GIVEN a fixture and no --for THEN it prints the Discord message as JSON, with no database or config', async () => {
    const run = await runHerald(['render', FIXTURE], {}, cwd);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const message = JSON.parse(run.stdout) as { embeds: Array<{ url: string }>; allowed_mentions: unknown };
    expect(message.allowed_mentions).toEqual({ parse: [] });
    expect(message.embeds[0]?.url).toBe('https://x.com/mallory/status/1800000000000000001');
  });

  it('GIVEN --for slack THEN it prints Block Kit blocks with the notification text', async () => {
    const run = await runHerald(['render', FIXTURE, '--for', 'slack'], {}, cwd);
    expect(run.code).toBe(0);
    const message = JSON.parse(run.stdout) as {
      text: string;
      blocks: Array<{ type: string }>;
      unfurl_links: boolean;
    };
    expect(message.text).toContain('Mallory');
    expect(message.blocks.map((block) => block.type)).toContain('actions');
    expect(message.unfurl_links).toBe(false);
  });

  it('GIVEN a post with a bad field THEN it exits non-zero naming the first bad path', async () => {
    const bad = join(cwd, 'bad.json');
    await writeFile(
      bad,
      JSON.stringify({ platform: 'x', platformId: '1', permalink: 'javascript:alert(1)' }),
    );
    const run = await runHerald(['render', bad, '--for', 'slack'], {}, cwd);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^herald: .*bad\.json is not a valid SocialPost: permalink: /u);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('GIVEN a file that is not JSON, or no file, THEN it says so in one line', async () => {
    const broken = join(cwd, 'broken.json');
    await writeFile(broken, '{ "platform": ');
    const notJson = await runHerald(['render', broken], {}, cwd);
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toContain('broken.json is not JSON');
    const missing = await runHerald(['render', join(cwd, 'missing.json')], {}, cwd);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('missing.json: no such file');
  });

  it('GIVEN an unknown --for THEN it lists the chat platforms', async () => {
    const run = await runHerald(['render', FIXTURE, '--for', 'teams'], {}, cwd);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--for must be one of discord, slack');
  });
});
