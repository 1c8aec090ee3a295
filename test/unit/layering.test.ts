import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedPathErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layering lint rule', () => {
  it.each([
    ['core/example.ts', "import { startBot } from '../bot/runtime.js';"],
    ['core/example.ts', "import { providerReadiness } from '../social/provider-readiness.js';"],
    ['social/example.ts', "import { startWorker } from '../worker/runtime.js';"],
    ['embeds/example.ts', "import { providerReadiness } from '../social/provider-readiness.js';"],
    ['worker/example.ts', "import { startHerald } from '../cli/app.js';"],
    ['bot/example.ts', "import { startWorker } from '../worker/runtime.js';"],
    ['bot/http/example.ts', "import { startWorker } from '../../worker/runtime.js';"],
    ['core/db/example.ts', "import { startHerald } from '../../cli/app.js';"],
    ['bot/commands/example.ts', "import { Client } from 'discord.js';"],
    ['worker/example.ts', "import { App } from '@slack/bolt';"],
  ])('GIVEN %s importing upward or sideways (%s) THEN lint fails', async (file, code) => {
    expect(await restrictedPathErrors(file, `${code}\nexport const used = 1;\n`)).toHaveLength(1);
  });

  it.each([
    ['cli/example.ts', "import { startWorker } from '../worker/runtime.js';"],
    ['worker/example.ts', "import { loadConfig } from '../core/config.js';"],
    ['bot/example.ts', "import { compactNumber } from '../embeds/compact-number.js';"],
    ['social/example.ts', "import { PLATFORM_INFO } from '../core/platforms.js';"],
    ['bot/discord/example.ts', "import { Client } from 'discord.js';"],
    ['core/db/example.ts', "import { loadConfig } from '../config.js';"],
  ])('GIVEN %s importing downward (%s) THEN lint allows it', async (file, code) => {
    expect(await restrictedPathErrors(file, `${code}\nexport const used = 1;\n`)).toEqual([]);
  });
});
