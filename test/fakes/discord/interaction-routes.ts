/**
 * The interaction routes: the callback (`?with_response=true` answers with the callback response,
 * otherwise 204) and the interaction webhook (`@original`, follow-ups). Discord serves them without
 * `Authorization`, and @discordjs/rest sends none (`auth: false`).
 * @see https://discord.com/developers/docs/interactions/receiving-and-responding#endpoints
 */
import type { FakeReply } from '../fake-server.js';
import type { InteractionCallbacks } from './interaction-callbacks.js';
import { objectBody, type Route, type RouteContext } from './routing.js';
import { invalidJson, type Json } from './wire.js';

const withBody =
  (handler: (context: RouteContext, body: Json) => FakeReply) =>
  (context: RouteContext): FakeReply => {
    const body = objectBody(context.body);
    return body === undefined ? invalidJson() : handler(context, body);
  };

export function registerInteractionRoutes(route: Route, callbacks: InteractionCallbacks): void {
  const open = { auth: false };
  route(
    'POST',
    '/interactions/:id/:token/callback',
    withBody(({ params, request }, body) =>
      callbacks.respond(
        params.id ?? '',
        params.token ?? '',
        body,
        request.query.get('with_response') === 'true',
      ),
    ),
    { ...open, major: 'id' },
  );
  // Follow-ups act like Execute Webhook with `wait` always true: the message comes back.
  route(
    'POST',
    '/webhooks/:appId/:token',
    withBody(({ params }, body) => callbacks.followUp(params.appId ?? '', params.token ?? '', body)),
    { ...open, major: 'token' },
  );
  const message = '/webhooks/:appId/:token/messages/:messageId';
  route(
    'GET',
    message,
    ({ params }) => callbacks.getMessage(params.appId ?? '', params.token ?? '', params.messageId ?? ''),
    { ...open, major: 'token' },
  );
  route(
    'PATCH',
    message,
    withBody(({ params }, body) =>
      callbacks.editMessage(params.appId ?? '', params.token ?? '', params.messageId ?? '', body),
    ),
    { ...open, major: 'token' },
  );
  route(
    'DELETE',
    message,
    ({ params }) => callbacks.deleteMessage(params.appId ?? '', params.token ?? '', params.messageId ?? ''),
    { ...open, major: 'token' },
  );
}
