import { createHmac, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { newSigningSecret } from '../workflows/ids';
import type { SignatureScheme } from '../workflows/records';

/** The endpoint's signing settings cannot sign (a malformed secret or header): no retry can help. */
export class SigningSettingError extends Error {
  override name = 'SigningSettingError';
}

export interface SigningSpec {
  scheme: SignatureScheme;
  /**
   * Header that carries the signature for 'hex' and 'sha256_prefixed' (e.g. 'X-PQ-Signature');
   * ignored by standard_webhooks, which uses webhook-id / webhook-timestamp / webhook-signature.
   */
  header: string;
  /** Current secret first, then the previous one during a rotation overlap; empty: send no signature. */
  secrets: string[];
}

export interface SignedMessage {
  /** Stable across retries of one message: Standard Webhooks receivers dedupe on it. */
  id: string;
  timestamp: Date;
  /** The exact bytes that will be sent. */
  body: Buffer;
}

const STANDARD_PREFIX = 'whsec_';
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** HMAC-SHA256 of the exact bytes sent, as lowercase hex. */
export function hmacHex(secret: string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * The signature headers of one message, with lowercase names. During a rotation overlap every
 * secret signs and the signatures share one header, space-separated and current first, so a
 * receiver still on the previous secret keeps verifying.
 */
export function signatureHeaders(spec: SigningSpec, message: SignedMessage): Record<string, string> {
  if (spec.scheme === 'none' || spec.secrets.length === 0) return {};
  if (spec.scheme === 'standard_webhooks') {
    // The library signs a string; our bodies are JSON we serialised, so UTF-8 round-trips exactly.
    const payload = message.body.toString('utf8');
    const signatures = spec.secrets.map((secret, index) => {
      const problem = secretProblem('standard_webhooks', secret);
      if (problem) throw new SigningSettingError(`signing secret ${index + 1} ${problem}`);
      return new Webhook(secret).sign(message.id, message.timestamp, payload);
    });
    return {
      'webhook-id': message.id,
      'webhook-timestamp': String(Math.floor(message.timestamp.getTime() / 1000)),
      'webhook-signature': signatures.join(' '),
    };
  }
  if (!HEADER_NAME.test(spec.header)) {
    throw new SigningSettingError(`"${spec.header}" is not a valid header name`);
  }
  const prefix = spec.scheme === 'sha256_prefixed' ? 'sha256=' : '';
  const value = spec.secrets.map((secret) => prefix + hmacHex(secret, message.body)).join(' ');
  return { [spec.header.toLowerCase()]: value };
}

/** A fresh random secret in the shape the scheme expects. */
export function newSecret(scheme: SignatureScheme): string {
  // 24 bytes is what Svix issues; the standard's libraries decode the part after the prefix as base64.
  if (scheme === 'standard_webhooks') return STANDARD_PREFIX + randomBytes(24).toString('base64');
  return newSigningSecret();
}

/** Why a secret cannot sign under a scheme, in words for the tenant; undefined when it can. */
export function secretProblem(scheme: SignatureScheme, secret: string): string | undefined {
  if (scheme === 'standard_webhooks') {
    const shape = `must be "${STANDARD_PREFIX}" followed by the base64 of 24 to 64 random bytes`;
    if (!secret.startsWith(STANDARD_PREFIX)) return shape;
    const encoded = secret.slice(STANDARD_PREFIX.length);
    // Node's decoder skips characters it does not know: a clean round trip proves it is base64.
    const bytes = Buffer.from(encoded, 'base64');
    const canonical = bytes.toString('base64').replace(/=+$/, '');
    if (encoded.length === 0 || canonical !== encoded.replace(/=+$/, '')) return shape;
    if (bytes.length < 24 || bytes.length > 64) return shape;
    return undefined;
  }
  if (!/^[\x21-\x7e]{16,256}$/.test(secret)) return 'must be 16 to 256 printable ASCII characters, no spaces';
  return undefined;
}
