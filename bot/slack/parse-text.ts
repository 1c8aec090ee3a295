/**
 * `/herald <group> <command> [positional…] [name:value…] [flag…]` as Slack sends it in `text`, into
 * the catalogue's command path and raw input. Required options may be given in order without a name
 * (`/herald feed add @acme #news`); values with spaces or commas are quoted (`keywords:"a b",c`).
 * Slack escapes channels, users and user groups as `<#C123|news>`, `<@U123>` and
 * `<!subteam^S123|@team>`: those become their ids. Nothing is validated here beyond the syntax: the
 * command's own zod schema does that.
 */
import type { Command, OptionSpec, RawInput } from '../commands/command.js';

export type ParsedText =
  | { readonly ok: true; readonly command: Command; readonly raw: RawInput }
  | { readonly ok: false; readonly problem: string; readonly command?: Command | undefined };

/** Split on spaces outside double quotes; quotes are kept for `splitList` to see. */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let current = '';
  let quoted = false;
  for (const char of text.replace(/[“”]/g, '"')) {
    if (char === '"') quoted = !quoted;
    if (/\s/.test(char) && !quoted) {
      if (current) tokens.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (current) tokens.push(current);
  return tokens;
}

const CHANNEL = /^<#([A-Z0-9]+)(?:\|[^>]*)?>$/;
const USER_GROUP = /^<!subteam\^([A-Z0-9]+)(?:\|[^>]*)?>$/;
const USER = /^<@([A-Z0-9]+)(?:\|[^>]*)?>$/;

const WHOLE_QUOTED = /^"[^"]*"$/;

/**
 * A typed value as the option wants it: a Slack reference as its id, whole numbers as numbers,
 * yes/no words as booleans, a single quoted value without its quotes (lists keep theirs: the list
 * splitter reads them). Anything else goes to the schema as typed, to be refused there with its name.
 */
export function valueFor(spec: OptionSpec, token: string): string | number | boolean {
  const reference = CHANNEL.exec(token) ?? USER_GROUP.exec(token) ?? USER.exec(token);
  if (reference?.[1]) return reference[1];
  if (spec.kind === 'integer' && /^-?\d+$/.test(token)) return Number(token);
  if (spec.kind === 'boolean' && /^(true|yes|on)$/i.test(token)) return true;
  if (spec.kind === 'boolean' && /^(false|no|off)$/i.test(token)) return false;
  if (!spec.list && WHOLE_QUOTED.test(token)) return token.slice(1, -1);
  return token;
}

export function parseCommandText(commands: readonly Command[], text: string): ParsedText {
  const tokens = tokenize(text.trim());
  const [group, name, ...rest] = tokens;
  if (!group) return { ok: false, problem: 'Which command? Try `/herald help`.' };
  const inGroup = commands.filter((command) => command.path[0] === group.toLowerCase());
  if (inGroup.length === 0)
    return { ok: false, problem: `There is no \`${group}\` command. Try \`/herald help\`.` };
  const command = inGroup.find((candidate) => candidate.path[1] === name?.toLowerCase());
  if (!command) {
    const names = inGroup.map((candidate) => candidate.path[1]).join(', ');
    return { ok: false, problem: `\`${group}\` takes one of: ${names}.` };
  }
  const raw: Record<string, string | number | boolean> = {};
  const positional = command.options.filter((spec) => spec.required);
  let next = 0;
  for (const token of rest) {
    const named = /^([a-z][a-z-]*):(.*)$/s.exec(token);
    const spec = named ? command.options.find((option) => option.name === named[1]) : undefined;
    if (named && spec) {
      raw[spec.name] = valueFor(spec, named[2] ?? '');
      continue;
    }
    if (named && !spec) {
      return {
        ok: false,
        problem: `\`${named[1]}\` is not an option of \`${command.path.join(' ')}\`.`,
        command,
      };
    }
    const flag = command.options.find(
      (option) => option.kind === 'boolean' && option.name === token.toLowerCase(),
    );
    if (flag) {
      raw[flag.name] = true;
      continue;
    }
    while (next < positional.length && raw[positional[next]!.name] !== undefined) next++;
    const spec2 = positional[next];
    if (!spec2) return { ok: false, problem: `I did not understand \`${token}\`.`, command };
    raw[spec2.name] = valueFor(spec2, token);
    next++;
  }
  return { ok: true, command, raw };
}
