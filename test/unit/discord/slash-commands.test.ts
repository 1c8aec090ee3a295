import {
  ApplicationCommandOptionType as Opt,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandOption,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCommand, type Command, type OptionSpec } from '../../../bot/commands/command.js';
import type { Catalogue } from '../../../bot/commands/dispatch.js';
import { createCatalogue } from '../../../bot/commands/index.js';
import { reply } from '../../../bot/commands/reply.js';
import { fitDescription, slashCommands } from '../../../bot/discord/slash-commands.js';

const command = (
  path: readonly [string, string],
  options: readonly OptionSpec[],
  requires: 'admin' | 'member' = 'admin',
  description = `Run ${path.join(' ')}`,
): Command =>
  defineCommand({
    path,
    description,
    options,
    requires,
    example: path.join(' '),
    input: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    run: async () => reply.info('ok'),
  });

const catalogue: Catalogue = {
  commands: [
    command(
      ['feed', 'add'],
      [
        { name: 'channel', kind: 'channel', description: 'Where posts go', required: false },
        { name: 'account', kind: 'account', description: 'Which account', required: true },
        { name: 'min-engagement', kind: 'integer', description: 'Likes first', min: 0, max: 100_000 },
        { name: 'ping', kind: 'role', description: 'Role to ping' },
        { name: 'replies', kind: 'boolean', description: 'Include replies', required: true },
        { name: 'filter', kind: 'string', description: 'Words', maxLength: 200 },
      ],
    ),
    command(['feed', 'remove'], [{ name: 'feed', kind: 'feed', description: 'Which feed', required: true }]),
    command(['herald', 'help'], [], 'member', 'x'.repeat(140)),
    command(
      ['herald', 'status'],
      [
        {
          name: 'detail',
          kind: 'string',
          description: 'How much',
          choices: [
            { name: 'Short', value: 'short' },
            { name: 'Everything', value: 'all' },
          ],
        },
      ],
    ),
  ],
  actions: [],
};

/** Discord's rules for a chat-input command (application-commands.mdx): what a bulk overwrite needs. */
const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function ruleViolations(body: readonly RESTPostAPIChatInputApplicationCommandsJSONBody[]): string[] {
  const problems: string[] = [];
  const named = (where: string, name: string, description: string) => {
    if (!NAME.test(name) || name !== name.toLowerCase()) problems.push(`${where}: bad name ${name}`);
    if (description.length < 1 || description.length > 100) problems.push(`${where}: description length`);
  };
  const options = (where: string, list: readonly APIApplicationCommandOption[]) => {
    if (list.length > 25) problems.push(`${where}: more than 25 options`);
    if (new Set(list.map((o) => o.name)).size !== list.length) problems.push(`${where}: duplicate names`);
    let optionalSeen = false;
    for (const option of list) {
      const at = `${where} ${option.name}`;
      named(at, option.name, option.description);
      if (option.type === Opt.Subcommand || option.type === Opt.SubcommandGroup) {
        options(at, option.options ?? []);
        continue;
      }
      if (option.required === true && optionalSeen) problems.push(`${at}: required after optional`);
      if (option.required !== true) optionalSeen = true;
      const choices = 'choices' in option ? (option.choices ?? []) : [];
      if (choices.length > 25) problems.push(`${at}: more than 25 choices`);
      if (choices.length > 0 && 'autocomplete' in option && option.autocomplete) {
        problems.push(`${at}: choices with autocomplete`);
      }
      for (const choice of choices) if (choice.name.length > 100) problems.push(`${at}: long choice`);
    }
  };
  if (body.length > 100) problems.push('more than 100 commands');
  for (const entry of body) {
    named(`/${entry.name}`, entry.name, entry.description);
    options(`/${entry.name}`, entry.options ?? []);
    if (JSON.stringify(entry).length > 8000) problems.push(`/${entry.name}: over 8000 characters`);
  }
  return problems;
}

const bodyOf = (c: Catalogue) => slashCommands(c) as RESTPostAPIChatInputApplicationCommandsJSONBody[];
const sub = (group: string, name: string) =>
  bodyOf(catalogue)
    .find((c) => c.name === group)
    ?.options?.find((o) => o.name === name) as { options?: APIApplicationCommandBasicOption[] } | undefined;
const option = (group: string, name: string, optionName: string) =>
  sub(group, name)?.options?.find((o) => o.name === optionName);

describe('GIVEN a catalogue derived into Discord slash commands', () => {
  it('THEN each group is one guild-only command whose subcommands are its commands', () => {
    const body = bodyOf(catalogue);
    expect(body.map((c) => c.name)).toEqual(['feed', 'herald']);
    for (const entry of body) {
      expect(entry.type).toBe(1);
      expect(entry.contexts).toEqual([0]);
      expect(entry.options?.every((o) => o.type === Opt.Subcommand)).toBe(true);
    }
    expect(body[0]?.options?.map((o) => o.name)).toEqual(['add', 'remove']);
  });

  it('THEN it follows Discord’s rules for names, descriptions, option counts and order', () => {
    expect(ruleViolations(bodyOf(catalogue))).toEqual([]);
  });

  it('THEN the real catalogue follows them too', () => {
    expect(ruleViolations(bodyOf(createCatalogue({ heartbeatSeconds: 15 })))).toEqual([]);
  });

  it('THEN only a group of admin commands is hidden from members by default (Manage Server)', () => {
    const [feed, herald] = bodyOf(catalogue);
    expect(feed?.default_member_permissions).toBe('32');
    expect(herald?.default_member_permissions).toBeUndefined();
  });

  it('THEN required options come first and the rest keep their order', () => {
    expect(sub('feed', 'add')?.options?.map((o) => [o.name, o.required])).toEqual([
      ['account', true],
      ['replies', true],
      ['channel', false],
      ['min-engagement', false],
      ['ping', false],
      ['filter', false],
    ]);
  });

  it('THEN option kinds become Discord types, accounts and feeds autocompleted, channels postable only', () => {
    expect(option('feed', 'add', 'channel')).toMatchObject({ type: Opt.Channel, channel_types: [0, 5] });
    expect(option('feed', 'add', 'account')).toMatchObject({ type: Opt.String, autocomplete: true });
    expect(option('feed', 'remove', 'feed')).toMatchObject({ type: Opt.String, autocomplete: true });
    expect(option('feed', 'add', 'min-engagement')).toMatchObject({
      type: Opt.Integer,
      min_value: 0,
      max_value: 100_000,
    });
    expect(option('feed', 'add', 'ping')).toMatchObject({ type: Opt.Role });
    expect(option('feed', 'add', 'replies')).toMatchObject({ type: Opt.Boolean });
    expect(option('feed', 'add', 'filter')).toMatchObject({ type: Opt.String, max_length: 200 });
    expect(option('herald', 'status', 'detail')).toMatchObject({
      type: Opt.String,
      choices: [
        { name: 'Short', value: 'short' },
        { name: 'Everything', value: 'all' },
      ],
    });
  });

  it('THEN a description over 100 characters is cut with an ellipsis', () => {
    const help = sub('herald', 'help') as { description?: string } | undefined;
    expect(help?.description).toHaveLength(100);
    expect(help?.description?.endsWith('…')).toBe(true);
    expect(fitDescription('  short  ')).toBe('short');
  });
});
