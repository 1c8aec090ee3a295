/**
 * The OpenAPI 3.1 document of the public API, generated from the zod schemas the handlers use
 * (requests as they are accepted, responses as they are built), so the two cannot drift apart.
 */
import { z } from 'zod';
import { HERALD_VERSION } from '../../../core/version.js';
import {
  CancelledPost,
  CreatedPosts,
  CreatePostBody,
  ErrorBody,
  IntegrationList,
  ListPostsQuery,
  PostList,
} from './schemas.js';

/** The schemas by the name the document gives them, and which side of the wire they describe. */
export const DOCUMENTED_SCHEMAS = {
  requests: { CreatePost: CreatePostBody },
  responses: {
    Error: ErrorBody,
    IntegrationList,
    CreatedPosts,
    PostList,
    CancelledPost,
  },
} as const;

type JsonObject = Record<string, unknown>;

function components(schemas: Readonly<Record<string, z.ZodType>>, io: 'input' | 'output'): JsonObject {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const { schemas: generated } = z.toJSONSchema(registry, {
    io,
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, JsonObject> };
  // Component schemas live inside the document: they carry no $schema or $id of their own.
  return Object.fromEntries(
    Object.entries(generated).map(([id, schema]) => {
      const { $schema: _schema, $id: _id, ...rest } = schema;
      return [id, rest];
    }),
  );
}

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: string, description: string) => ({
  description,
  content: { 'application/json': { schema: ref(id) } },
});
const errors = {
  '401': json('Error', 'No API key, or one Herald does not know (revoked keys included)'),
  '429': {
    ...json('Error', 'Over the key’s rate limit'),
    headers: {
      'Retry-After': { description: 'Seconds until the key’s window resets', schema: { type: 'integer' } },
    },
  },
};

function queryParameters(): JsonObject[] {
  const schema = z.toJSONSchema(ListPostsQuery, { io: 'input' }) as {
    properties: Record<string, JsonObject>;
  };
  return Object.entries(schema.properties).map(([name, property]) => ({
    name,
    in: 'query',
    required: false,
    schema: property,
  }));
}

export function openApiDocument(serverUrl: string): JsonObject {
  const idParameter = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Herald public API',
      version: HERALD_VERSION,
      description:
        'Drive Herald without chat: list the linked accounts (integrations), create and schedule posts, read their results. Send the key in the Authorization header (as is, or after "Bearer ").',
    },
    servers: [{ url: serverUrl }],
    security: [{ apiKey: [] }],
    paths: {
      '/public/v1/integrations': {
        get: {
          summary: 'List the accounts posts can go to',
          responses: { '200': json('IntegrationList', 'The integrations'), ...errors },
        },
      },
      '/public/v1/posts': {
        get: {
          summary: 'List posts, one entry per post and integration',
          parameters: queryParameters(),
          responses: {
            '200': json('PostList', 'The posts, newest first (at most 500)'),
            '400': json('Error', 'A filter is not valid'),
            ...errors,
          },
        },
        post: {
          summary: 'Create a post now, scheduled, or as a draft',
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description:
                'A retried request with the same key answers the first one’s result and creates nothing',
              schema: { type: 'string', maxLength: 200 },
            },
          ],
          requestBody: { required: true, content: { 'application/json': { schema: ref('CreatePost') } } },
          responses: {
            '201': json('CreatedPosts', 'One post per integration'),
            '400': json(
              'Error',
              'Not valid; `errors` says what each integration cannot take. Nothing was created.',
            ),
            '422': json('Error', 'The Idempotency-Key was used for a different request'),
            ...errors,
          },
        },
      },
      '/public/v1/posts/{id}': {
        get: {
          summary: 'One post, an entry per integration',
          parameters: [idParameter],
          responses: { '200': json('PostList', 'The post'), '404': json('Error', 'No such post'), ...errors },
        },
        delete: {
          summary: 'Cancel a draft or scheduled post',
          parameters: [idParameter],
          responses: {
            '200': json('CancelledPost', 'Cancelled: nothing will be published'),
            '404': json('Error', 'No such post'),
            '409': json('Error', 'It has started publishing or is done'),
            ...errors,
          },
        },
      },
    },
    components: {
      securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'Authorization' } },
      schemas: {
        ...components(DOCUMENTED_SCHEMAS.requests, 'input'),
        ...components(DOCUMENTED_SCHEMAS.responses, 'output'),
      },
    },
  };
}
