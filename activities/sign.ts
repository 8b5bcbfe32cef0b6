import { createHmac } from 'node:crypto';

/** HMAC-SHA256 of the exact bytes sent, as lowercase hex (PQ Intel's `X-PQ-Signature`). */
export function signHex(secret: string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}
