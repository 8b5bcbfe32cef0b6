import { createDocument } from 'zod-openapi';
import { paths } from './operations';

/**
 * The OpenAPI 3.1 document of the API, generated from the zod schemas the routes validate with
 * (zod 4's own JSON Schema output, through zod-openapi). Built once: it depends on nothing at run time.
 */
export function apiDocument(version: string): ReturnType<typeof createDocument> {
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'signal-push',
      version,
      description:
        'Durable webhook delivery. JSON over HTTP with `Authorization: Bearer <key>`: the operator key creates tenants and feeds events; a tenant key manages that tenant’s endpoints and reads its deliveries. Every 4xx and 5xx answer has the `Error` shape, naming each offending field. Listings answer a page and a `next_cursor` (null on the last page).',
    },
    components: {
      securitySchemes: {
        operatorKey: { type: 'http', scheme: 'bearer', description: 'The operator key' },
        tenantKey: { type: 'http', scheme: 'bearer', description: "A tenant's API key (spk_ten_…)" },
        codecSession: {
          type: 'apiKey',
          in: 'cookie',
          name: 'signal_push_codec',
          description: 'Set by POST /codec/login',
        },
      },
    },
    paths,
  });
}
