import { describe, expect, it } from 'vitest';
import { createCatalogue } from '../../../bot/commands/index.js';
import { parseCommandText, tokenize } from '../../../bot/slack/parse-text.js';

const { commands } = createCatalogue({ heartbeatSeconds: 15 });
const parse = (text: string) => parseCommandText(commands, text);

describe('/herald text into a catalogue command', () => {
  it('GIVEN the issue’s example THEN positional account and channel, named filters and a bare flag', () => {
    const parsed = parse(
      'feed add @acme <#C0123ABC|news> hashtags:launch,release min-engagement:10 no-replies',
    );
    expect(parsed).toMatchObject({
      ok: true,
      command: { path: ['feed', 'add'] },
      raw: {
        account: '@acme',
        channel: 'C0123ABC',
        hashtags: 'launch,release',
        'min-engagement': 10,
        'no-replies': true,
      },
    });
  });

  it('GIVEN quoted phrases THEN a list keeps its quotes for the splitter and a single value loses them', () => {
    const parsed = parse(
      'feed add account:@acme channel:<#C1> keywords:"product launch",beta regex:"new (app|site)"',
    );
    expect(parsed).toMatchObject({
      ok: true,
      raw: { keywords: '"product launch",beta', regex: 'new (app|site)' },
    });
  });

  it('GIVEN Slack’s references THEN user groups and users become their ids', () => {
    expect(parse('feed add @acme <#C1> mention:<!subteam^S0614TZR7|@launch-team>')).toMatchObject({
      ok: true,
      raw: { mention: 'S0614TZR7' },
    });
  });

  it('GIVEN smart quotes from a phone keyboard THEN they read as quotes', () => {
    expect(tokenize('keywords:“big news”,beta')).toEqual(['keywords:"big news",beta']);
  });

  it.each([
    ['', 'Which command?'],
    ['frobnicate', 'There is no `frobnicate` command'],
    ['feed explode', '`feed` takes one of: add, list'],
    ['feed add @acme <#C1> colour:blue', '`colour` is not an option of `feed add`'],
    ['feed add @acme <#C1> surplus', 'I did not understand `surplus`'],
  ])('GIVEN %j THEN the problem says what to do', (text, problem) => {
    const parsed = parse(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toContain(problem);
  });

  it('GIVEN a value of the wrong type THEN it is passed as typed, for the schema to refuse by name', () => {
    expect(parse('feed add @acme <#C1> min-engagement:lots')).toMatchObject({
      ok: true,
      raw: { 'min-engagement': 'lots' },
    });
  });
});
