import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BOT_SCOPES } from '../../../bot/slack/app.js';

interface Manifest {
  features: {
    app_home: { home_tab_enabled: boolean };
    slash_commands: Array<{ command: string; should_escape: boolean; url: string }>;
  };
  oauth_config: { scopes: { bot: string[] }; redirect_urls: string[] };
  settings: {
    socket_mode_enabled: boolean;
    interactivity: { is_enabled: boolean; request_url: string };
    event_subscriptions: { bot_events: string[]; request_url: string };
  };
}

const manifest = parse(
  readFileSync(new URL('../../../slack/manifest.yml', import.meta.url), 'utf8'),
) as Manifest;

describe('slack/manifest.yml', () => {
  it('GIVEN the manifest THEN /herald sends escaped references, and every request goes to /slack/events', () => {
    const [command] = manifest.features.slash_commands;
    expect(command).toMatchObject({ command: '/herald', should_escape: true });
    for (const url of [
      command!.url,
      manifest.settings.interactivity.request_url,
      manifest.settings.event_subscriptions.request_url,
    ])
      expect(new URL(url).pathname).toBe('/slack/events');
    expect(new URL(manifest.oauth_config.redirect_urls[0]!).pathname).toBe('/slack/oauth_redirect');
  });

  it('GIVEN "Add to Slack" THEN it asks for exactly the manifest’s bot scopes', () => {
    expect([...BOT_SCOPES].sort()).toEqual([...manifest.oauth_config.scopes.bot].sort());
  });

  it('GIVEN what Herald calls THEN each method’s scope is granted', () => {
    // chat.postMessage, conversations.info/history (public and private), users.info, usergroups.users.list.
    expect(manifest.oauth_config.scopes.bot).toEqual(
      expect.arrayContaining([
        'commands',
        'chat:write',
        'channels:read',
        'groups:read',
        'channels:history',
        'groups:history',
        'users:read',
        'usergroups:read',
      ]),
    );
  });

  it('GIVEN self-hosting THEN Socket Mode, the Home tab, interactivity and the install events are on', () => {
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining(['app_home_opened', 'app_uninstalled', 'tokens_revoked']),
    );
  });
});
