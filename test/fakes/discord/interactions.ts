/**
 * Interactions a test fires as a member (slash command, message command, autocomplete, button or
 * select, modal submit), dispatched as INTERACTION_CREATE, and what the app answered: the initial callback, the
 * message it made or updated, its edits and follow-ups. Each interaction has Discord's initial
 * response window (3 s by default); once it passes unanswered the interaction is gone (10062).
 * @see https://discord.com/developers/docs/interactions/receiving-and-responding
 */
import {
  ComponentType,
  InteractionResponseType,
  InteractionType,
  type APIGuildInteraction,
  type APIInteractionResponse,
  type APIMessage,
  type APIModalInteractionResponseCallbackData,
  type APIModalSubmissionComponent,
} from 'discord-api-types/v10';
import type {
  AutocompleteInput,
  ComponentInput,
  InteractionPayloads,
  MessageCommandInput,
  SlashCommandInput,
} from './interaction-payloads.js';
import { hasCustomId, type InteractionMessages } from './interaction-messages.js';
import type { Json } from './wire.js';

export interface InteractionEdit {
  readonly messageId: string;
  readonly body: Json;
}

export interface InteractionRecord {
  readonly payload: APIGuildInteraction;
  readonly createdAt: number;
  status: 'pending' | 'acknowledged' | 'expired';
  callback: APIInteractionResponse | undefined;
  /** `@original`: the reply (types 4 and 5) or the component's message (types 6 and 7). */
  originalId: string | undefined;
  readonly followUpIds: string[];
  readonly edits: InteractionEdit[];
  /** For a MODAL_SUBMIT, the interaction that showed the modal. */
  readonly parent?: InteractionRecord;
  readonly listeners: Set<() => void>;
}

/** A fired interaction: what was dispatched, and what the app has answered so far. */
export interface InteractionHandle<T extends APIGuildInteraction = APIGuildInteraction> {
  readonly id: string;
  readonly token: string;
  /** The INTERACTION_CREATE `d` as dispatched. */
  readonly payload: T;
  readonly callback: APIInteractionResponse | undefined;
  /** `@original` as it is now. */
  readonly original: APIMessage | undefined;
  readonly followUps: readonly APIMessage[];
  /** Every accepted edit of this interaction's messages, in order. */
  readonly edits: readonly InteractionEdit[];
  /** The initial callback; rejects if the response window closes unanswered. */
  response(): Promise<APIInteractionResponse>;
  /**
   * The message once it is final: at once after a reply (4) or an update (7), at the first edit of
   * `@original` after a defer (5 or 6). Rejects for callbacks that make no message (8, 9) or when
   * the window closes unanswered.
   */
  waitForFinal(): Promise<APIMessage>;
  /** The `index`th follow-up (default the first), once it is posted. */
  waitForFollowUp(index?: number): Promise<APIMessage>;
  /** Resolves when the response window has closed unanswered (to test late answers). */
  expired(): Promise<void>;
  /**
   * The member submits the modal the app showed (callback 9): text inputs take `values[custom_id]`
   * (a string), selects take a list. Throws when a required text input has no value.
   */
  submitModal(input: {
    readonly values: Readonly<Record<string, string | readonly string[]>>;
  }): InteractionHandle<Extract<APIGuildInteraction, { type: InteractionType.ModalSubmit }>>;
}

export type Interactions = ReturnType<typeof createInteractions>;

export function createInteractions(deps: {
  payloads: InteractionPayloads;
  messages: InteractionMessages;
  /** Sends INTERACTION_CREATE to the session holding the guild; false when none is connected. */
  dispatch: (guildId: string, payload: APIGuildInteraction) => boolean;
  now: () => number;
  responseWindowMs: number;
}) {
  const byId = new Map<string, InteractionRecord>();
  const byToken = new Map<string, InteractionRecord>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const changed = (record: InteractionRecord) => [...record.listeners].forEach((listener) => listener());

  function waitFor<T>(record: InteractionRecord, check: () => T | Error | undefined): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const settle = () => {
        const result = closed ? new Error('The Discord fake was closed') : check();
        if (result === undefined) return false;
        if (result instanceof Error) reject(result);
        else resolve(result);
        return true;
      };
      if (settle()) return;
      const listener = () => {
        if (settle()) record.listeners.delete(listener);
      };
      record.listeners.add(listener);
    });
  }

  const unanswered = (record: InteractionRecord) =>
    new Error(`Interaction ${record.payload.id} was not answered within ${deps.responseWindowMs} ms`);

  function finalMessage(record: InteractionRecord): APIMessage | Error | undefined {
    const { callback } = record;
    if (!callback) return record.status === 'expired' ? unanswered(record) : undefined;
    const original = record.originalId === undefined ? undefined : deps.messages.find(record.originalId);
    switch (callback.type) {
      case InteractionResponseType.ChannelMessageWithSource:
      case InteractionResponseType.UpdateMessage:
        return original ?? new Error('The reply was deleted');
      case InteractionResponseType.DeferredChannelMessageWithSource:
      case InteractionResponseType.DeferredMessageUpdate:
        return record.edits.some((e) => e.messageId === record.originalId) ? original : undefined;
      default:
        return new Error(`The app answered with callback type ${callback.type}, which makes no message`);
    }
  }

  function handle<T extends APIGuildInteraction>(record: InteractionRecord): InteractionHandle<T> {
    return {
      id: record.payload.id,
      token: record.payload.token,
      payload: record.payload as T,
      get callback() {
        return record.callback;
      },
      get original() {
        return record.originalId === undefined ? undefined : deps.messages.find(record.originalId);
      },
      get followUps() {
        return record.followUpIds.flatMap((id) => deps.messages.find(id) ?? []);
      },
      edits: record.edits,
      response: () =>
        waitFor(
          record,
          () => record.callback ?? (record.status === 'expired' ? unanswered(record) : undefined),
        ),
      waitForFinal: () => waitFor(record, () => finalMessage(record)),
      waitForFollowUp: (index = 0) =>
        waitFor(record, () => {
          const id = record.followUpIds[index];
          return id === undefined
            ? undefined
            : (deps.messages.find(id) ?? new Error('The follow-up was deleted'));
        }),
      expired: () =>
        waitFor(record, () => (record.status === 'expired' ? true : undefined)).then(() => undefined),
      submitModal: (input) => submitModal(record, input.values),
    };
  }

  function fire<T extends APIGuildInteraction>(payload: T, parent?: InteractionRecord): InteractionHandle<T> {
    if (closed) throw new Error('The Discord fake was closed');
    const record: InteractionRecord = {
      payload,
      createdAt: deps.now(),
      status: 'pending',
      callback: undefined,
      originalId: undefined,
      followUpIds: [],
      edits: [],
      listeners: new Set(),
      ...(parent === undefined ? {} : { parent }),
    };
    byId.set(payload.id, record);
    byToken.set(payload.token, record);
    if (!deps.dispatch(payload.guild_id, payload)) {
      throw new Error(
        `No gateway session is connected for guild ${payload.guild_id} to receive the interaction`,
      );
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (record.status !== 'pending') return;
      record.status = 'expired';
      changed(record);
    }, deps.responseWindowMs);
    timer.unref();
    timers.add(timer);
    return handle<T>(record);
  }

  function modalComponents(
    modal: APIModalInteractionResponseCallbackData,
    values: Readonly<Record<string, string | readonly string[]>>,
  ): APIModalSubmissionComponent[] {
    const field = (raw: Json): Json => {
      const customId = String(raw.custom_id ?? '');
      const value = values[customId];
      const id = raw.id === undefined ? {} : { id: raw.id };
      if (raw.type === ComponentType.TextInput) {
        if (typeof value !== 'string' && raw.required !== false)
          throw new Error(`Modal field ${customId} is required`);
        return { ...id, type: raw.type, custom_id: customId, value: typeof value === 'string' ? value : '' };
      }
      return {
        ...id,
        type: raw.type,
        custom_id: customId,
        values: typeof value === 'string' ? [value] : [...(value ?? [])],
      };
    };
    return (modal.components as unknown as Json[]).map((raw) => {
      const id = raw.id === undefined ? {} : { id: raw.id };
      if (Array.isArray(raw.components))
        return { ...id, type: raw.type, components: (raw.components as Json[]).map(field) };
      if (raw.component !== undefined)
        return { ...id, type: raw.type, component: field(raw.component as Json) };
      return { ...id, type: raw.type };
    }) as unknown as APIModalSubmissionComponent[];
  }

  function submitModal(
    record: InteractionRecord,
    values: Readonly<Record<string, string | readonly string[]>>,
  ) {
    const { callback } = record;
    if (callback?.type !== InteractionResponseType.Modal)
      throw new Error('The app did not answer with a modal');
    const origin = record.payload;
    const message = origin.type === InteractionType.MessageComponent ? { message: origin.message } : {};
    const context = {
      guildId: origin.guild_id,
      channelId: origin.channel_id ?? origin.channel?.id ?? '',
      userId: origin.member.user.id,
      locale: origin.locale,
    };
    const components = modalComponents(callback.data, values);
    return fire(
      deps.payloads.modalSubmit(context, { customId: callback.data.custom_id, components, ...message }),
      record,
    );
  }

  function fireComponent(input: ComponentInput) {
    const message = deps.messages.find(input.messageId);
    if (!message) throw new Error(`The Discord fake has no message ${input.messageId}`);
    if (!hasCustomId(message.components, input.customId)) {
      throw new Error(`Message ${input.messageId} has no component with custom_id ${input.customId}`);
    }
    return fire(deps.payloads.component(input, message));
  }

  return {
    byId: (id: string) => byId.get(id),
    byToken: (token: string) => byToken.get(token),
    changed,
    handle,
    fireSlashCommand: (input: SlashCommandInput) => fire(deps.payloads.slashCommand(input)),
    fireMessageCommand: (input: MessageCommandInput) => fire(deps.payloads.messageCommand(input)),
    fireAutocomplete: (input: AutocompleteInput) => fire(deps.payloads.autocomplete(input)),
    fireComponent,
    fireButton: (input: Omit<ComponentInput, 'componentType' | 'values'>) => fireComponent(input),
    close(): void {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      for (const record of byId.values()) changed(record);
    },
  };
}
