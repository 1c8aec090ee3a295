/**
 * How Discord takes an app's answers to an interaction: the one initial callback (10062 Unknown
 * interaction once the window has passed, 40060 when already acknowledged, callback types checked
 * against the interaction's type, 204 or the callback response with `?with_response=true`), then the
 * interaction webhook for 15 minutes: `@original` and follow-ups (10015 Unknown Webhook before the
 * callback, 50027 Invalid Webhook Token once the token has expired).
 * @see https://discord.com/developers/docs/interactions/receiving-and-responding#create-interaction-response
 */
import {
  InteractionResponseType as Callback,
  InteractionType,
  MessageFlags,
  type APIInteractionResponse,
  type APIMessage,
  type RESTPostAPIInteractionCallbackWithResponseResult,
} from 'discord-api-types/v10';
import type { FakeReply } from '../fake-server.js';
import { interactionMetadata, type InteractionMessages, type MessageOrigin } from './interaction-messages.js';
import type { InteractionRecord, Interactions } from './interactions.js';
import { validateMessage } from './messages.js';
import {
  addFieldError,
  badLength,
  discordError,
  invalidForm,
  tooLong,
  type ErrorTree,
  type Json,
} from './wire.js';

const ALLOWED: Record<number, readonly Callback[]> = {
  [InteractionType.ApplicationCommand]: [
    Callback.ChannelMessageWithSource,
    Callback.DeferredChannelMessageWithSource,
    Callback.Modal,
  ],
  [InteractionType.MessageComponent]: [
    Callback.ChannelMessageWithSource,
    Callback.DeferredChannelMessageWithSource,
    Callback.DeferredMessageUpdate,
    Callback.UpdateMessage,
    Callback.Modal,
  ],
  [InteractionType.ApplicationCommandAutocomplete]: [Callback.ApplicationCommandAutocompleteResult],
  [InteractionType.ModalSubmit]: [
    Callback.ChannelMessageWithSource,
    Callback.DeferredChannelMessageWithSource,
    Callback.DeferredMessageUpdate,
    Callback.UpdateMessage,
  ],
};

const unknownInteraction = () => discordError(404, 'Unknown interaction', 10062);
const unknownWebhook = () => discordError(404, 'Unknown Webhook', 10015);
const unknownMessage = () => discordError(404, 'Unknown Message', 10008);

/** Discord reports errors in a callback's message under `data`. */
function underData(reply: FakeReply | undefined): FakeReply | undefined {
  const body = reply?.json as { code?: number; errors?: ErrorTree } | undefined;
  if (!reply || body?.code !== 50035 || !body.errors) return reply;
  return invalidForm({ data: body.errors });
}

function checkData(type: Callback, data: Json): FakeReply | undefined {
  const errors: ErrorTree = {};
  if (type === Callback.ChannelMessageWithSource) return underData(validateMessage(data));
  if (type === Callback.ApplicationCommandAutocompleteResult) {
    const choices = Array.isArray(data.choices) ? (data.choices as Json[]) : [];
    if (choices.length > 25) addFieldError(errors, ['data', 'choices'], tooLong(25));
    choices.forEach((choice, i) => {
      const length = String(choice.name ?? '').length;
      if (length < 1 || length > 100)
        addFieldError(errors, ['data', 'choices', String(i), 'name'], badLength(1, 100));
    });
  }
  if (type === Callback.Modal) {
    const customId = String(data.custom_id ?? '');
    const title = String(data.title ?? '');
    const components = Array.isArray(data.components) ? data.components : [];
    if (customId.length < 1 || customId.length > 100)
      addFieldError(errors, ['data', 'custom_id'], badLength(1, 100));
    if (title.length < 1 || title.length > 45) addFieldError(errors, ['data', 'title'], badLength(1, 45));
    if (components.length < 1 || components.length > 5)
      addFieldError(errors, ['data', 'components'], badLength(1, 5));
  }
  return Object.keys(errors).length > 0 ? invalidForm(errors) : undefined;
}

export type InteractionCallbacks = ReturnType<typeof createInteractionCallbacks>;

export function createInteractionCallbacks(deps: {
  interactions: Interactions;
  messages: InteractionMessages;
  applicationId: string;
  now: () => number;
  responseWindowMs: number;
  tokenLifetimeMs: number;
}) {
  const { interactions, messages } = deps;

  const origin = (record: InteractionRecord, originalResponseId?: string): MessageOrigin => ({
    interaction: record.payload,
    ...(record.parent === undefined
      ? {}
      : { triggering: interactionMetadata({ interaction: record.parent.payload }) }),
    ...(originalResponseId === undefined ? {} : { originalResponseId }),
  });

  /** Makes or updates the message a callback implies; an error answer leaves the interaction unanswered. */
  function apply(record: InteractionRecord, type: Callback, data: Json): APIMessage | FakeReply | undefined {
    const componentMessage = 'message' in record.payload ? record.payload.message : undefined;
    switch (type) {
      case Callback.ChannelMessageWithSource:
        return messages.create(origin(record), data);
      case Callback.DeferredChannelMessageWithSource:
        return messages.create(
          origin(record),
          { flags: Number(data.flags ?? 0) & MessageFlags.Ephemeral },
          true,
        );
      case Callback.DeferredMessageUpdate:
        return componentMessage;
      case Callback.UpdateMessage:
        return componentMessage && messages.edit(componentMessage.id, data);
      default:
        return undefined;
    }
  }

  function respond(id: string, token: string, body: Json, withResponse: boolean): FakeReply {
    const record = interactions.byId(id);
    if (!record || record.payload.token !== token) return unknownInteraction();
    if (record.status === 'pending' && deps.now() - record.createdAt > deps.responseWindowMs) {
      record.status = 'expired';
      interactions.changed(record);
    }
    if (record.status === 'expired') return unknownInteraction();
    if (record.status === 'acknowledged')
      return discordError(400, 'Interaction has already been acknowledged.', 40060);
    const type = Number(body.type) as Callback;
    const allowed = [...(ALLOWED[record.payload.type] ?? [])].filter(
      // Updating the message only makes sense when the interaction came from one.
      (t) =>
        'message' in record.payload || (t !== Callback.UpdateMessage && t !== Callback.DeferredMessageUpdate),
    );
    if (!allowed.includes(type)) {
      const message = `Value must be one of {${allowed.join(', ')}}.`;
      return invalidForm({ type: { _errors: [{ code: 'BASE_TYPE_CHOICES', message }] } });
    }
    const data = (typeof body.data === 'object' && body.data !== null ? body.data : {}) as Json;
    const invalid = checkData(type, data);
    if (invalid) return invalid;
    const made = apply(record, type, data);
    if (made && !('id' in made)) return underData(made) ?? made;
    record.status = 'acknowledged';
    record.callback = body as unknown as APIInteractionResponse;
    record.originalId = made?.id;
    if (type === Callback.UpdateMessage && made) record.edits.push({ messageId: made.id, body: data });
    interactions.changed(record);
    if (!withResponse) return { status: 204 };
    const result: RESTPostAPIInteractionCallbackWithResponseResult = {
      interaction: {
        id,
        type: record.payload.type,
        ...(made
          ? {
              response_message_id: made.id,
              response_message_loading: ((made.flags ?? 0) & MessageFlags.Loading) !== 0,
              response_message_ephemeral: ((made.flags ?? 0) & MessageFlags.Ephemeral) !== 0,
            }
          : {}),
      },
      resource: {
        type,
        ...(made && (type === Callback.ChannelMessageWithSource || type === Callback.UpdateMessage)
          ? { message: made }
          : {}),
      } as RESTPostAPIInteractionCallbackWithResponseResult['resource'],
    };
    return { json: result };
  }

  /** The interaction behind a webhook token, or Discord's answer when it cannot be used. */
  function webhook(applicationId: string, token: string): InteractionRecord | FakeReply {
    const record = interactions.byToken(token);
    if (!record || applicationId !== deps.applicationId) return unknownWebhook();
    if (deps.now() - record.createdAt > deps.tokenLifetimeMs)
      return discordError(401, 'Invalid Webhook Token', 50027);
    // Before the initial callback there is no webhook to use yet.
    if (record.status !== 'acknowledged') return unknownWebhook();
    return record;
  }

  /** `@original` or one of the interaction's follow-ups. */
  function messageId(record: InteractionRecord, id: string): string | undefined {
    if (id === '@original') return record.originalId;
    return record.followUpIds.includes(id) || id === record.originalId ? id : undefined;
  }

  return {
    respond,
    followUp(applicationId: string, token: string, body: Json): FakeReply {
      const record = webhook(applicationId, token);
      if (!('payload' in record)) return record;
      const invalid = validateMessage(body);
      if (invalid) return invalid;
      const message = messages.create(origin(record, record.originalId), body);
      record.followUpIds.push(message.id);
      interactions.changed(record);
      return { json: message };
    },
    getMessage(applicationId: string, token: string, id: string): FakeReply {
      const record = webhook(applicationId, token);
      if (!('payload' in record)) return record;
      const found = messageId(record, id);
      const message = found === undefined ? undefined : messages.find(found);
      return message ? { json: message } : unknownMessage();
    },
    editMessage(applicationId: string, token: string, id: string, body: Json): FakeReply {
      const record = webhook(applicationId, token);
      if (!('payload' in record)) return record;
      const found = messageId(record, id);
      if (found === undefined) return unknownMessage();
      const edited = messages.edit(found, body);
      if (!('id' in edited)) return edited;
      record.edits.push({ messageId: found, body });
      interactions.changed(record);
      return { json: edited };
    },
    deleteMessage(applicationId: string, token: string, id: string): FakeReply {
      const record = webhook(applicationId, token);
      if (!('payload' in record)) return record;
      const found = messageId(record, id);
      if (found === undefined || !messages.remove(found)) return unknownMessage();
      interactions.changed(record);
      return { status: 204 };
    },
  };
}
