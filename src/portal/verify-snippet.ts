import type { EndpointRecord } from '../../workflows/records';

/**
 * Code a receiver can paste to check a delivery's signature, for the endpoint's scheme and header
 * (Node.js; the body must be the raw bytes received, before any JSON parsing). During a rotation
 * overlap the header carries one signature per secret, space-separated, so each is tried.
 */
export function verifySnippet(endpoint: Pick<EndpointRecord, 'signature'>): string | undefined {
  const { scheme, header } = endpoint.signature;
  if (scheme === 'none') return undefined;
  if (scheme === 'standard_webhooks') {
    return `// npm install standardwebhooks
const { Webhook } = require('standardwebhooks');
const webhook = new Webhook(process.env.WEBHOOK_SECRET); // whsec_…

// rawBody: the request body exactly as received (a string)
function verify(rawBody, headers) {
  // Throws unless webhook-signature matches and webhook-timestamp is recent.
  return webhook.verify(rawBody, {
    'webhook-id': headers['webhook-id'],
    'webhook-timestamp': headers['webhook-timestamp'],
    'webhook-signature': headers['webhook-signature'],
  });
}`;
  }
  const prefix = scheme === 'sha256_prefixed' ? "'sha256=' + " : '';
  return `const crypto = require('node:crypto');

// rawBody: the request body exactly as received (a Buffer)
function verify(rawBody, headers) {
  const expected = Buffer.from(${prefix}crypto
    .createHmac('sha256', process.env.WEBHOOK_SECRET)
    .update(rawBody)
    .digest('hex'));
  const given = String(headers['${header.toLowerCase()}'] || '').split(' ');
  return given.some((signature) => {
    const candidate = Buffer.from(signature);
    return candidate.length === expected.length && crypto.timingSafeEqual(candidate, expected);
  });
}`;
}
