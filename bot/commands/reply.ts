/**
 * What a command answers, independent of the chat platform: the Discord and Slack adapters (and the
 * CLI) render it their own way. Text uses a small common markup both platforms can render:
 * `**bold**`, `` `code` ``, and `<link|label>`-free plain URLs. Mentions are never in the text;
 * channels and roles are named by `ChannelRef` / `RoleRef` values the adapter renders.
 */

export type ReplyTone = 'info' | 'success' | 'warning' | 'error';

export interface ReplyField {
  readonly name: string;
  readonly value: string;
  readonly inline?: boolean;
}

export interface ReplyButton {
  /** An action id with its arguments, `<action>:<arg>:<arg>` (see `CommandAction`). */
  readonly actionId: string;
  readonly label: string;
  readonly style?: 'primary' | 'secondary' | 'danger';
}

export interface Reply {
  readonly kind: 'reply';
  readonly tone: ReplyTone;
  readonly title?: string;
  readonly text: string;
  readonly fields?: readonly ReplyField[];
  readonly buttons?: readonly ReplyButton[];
  /** Only the person who ran the command sees it (ephemeral, response_url); the default. */
  readonly private: boolean;
}

export interface FormField {
  readonly id: string;
  readonly label: string;
  readonly placeholder?: string;
  /** Passwords: never echoed, never logged. */
  readonly secret?: boolean;
  readonly required?: boolean;
  readonly maxLength?: number;
  /** What the field starts with (the text being edited); never set on a secret field. */
  readonly value?: string;
}

/** A private form (Discord modal, Slack modal) whose submission runs the action `submitId`. */
export interface Form {
  readonly kind: 'form';
  readonly submitId: string;
  readonly title: string;
  readonly fields: readonly FormField[];
}

export type CommandResult = Reply | Form;

type ReplyOptions = Partial<Omit<Reply, 'kind' | 'text' | 'tone'>>;

export const reply = {
  info: (text: string, options: ReplyOptions = {}): Reply => build('info', text, options),
  success: (text: string, options: ReplyOptions = {}): Reply => build('success', text, options),
  warning: (text: string, options: ReplyOptions = {}): Reply => build('warning', text, options),
  error: (text: string, options: ReplyOptions = {}): Reply => build('error', text, options),
};

function build(tone: ReplyTone, text: string, options: ReplyOptions): Reply {
  return { kind: 'reply', tone, text, private: true, ...options };
}
