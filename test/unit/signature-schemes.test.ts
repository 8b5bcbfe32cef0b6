import { createHmac } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { describe, expect, test } from 'vitest';
import type { SigningSpec } from '../../activities/signature-schemes';
import { SIGNATURE_SCHEMES } from '../../workflows/records';
import { hmacHex, newSecret, secretProblem, signatureHeaders } from '../../activities/signature-schemes';

const body = Buffer.from(JSON.stringify({ signal_id: 'sig_1', excerpt: 'Ünïcødé “quotes” 🚀' }));
const message = { id: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W', timestamp: new Date(), body };
const spec = (
  scheme: SigningSpec['scheme'],
  secrets: string[],
  header = 'X-Test-Signature',
): SigningSpec => ({
  scheme,
  header,
  secrets,
});
const sha256Hex = (secret: string, bytes: Buffer): string =>
  createHmac('sha256', secret).update(bytes).digest('hex');

const current = 'current-secret-0123456789';
const previous = 'previous-secret-9876543210';

describe('hex', () => {
  test('hmacHex equals node:crypto createHmac over the same bytes', () => {
    expect(hmacHex(current, body)).toBe(sha256Hex(current, body));
    expect(hmacHex(current, body.toString())).toBe(sha256Hex(current, body));
  });

  test("sends PQ Intel's X-PQ-Signature as bare lowercase hex of the exact body", () => {
    const headers = signatureHeaders(spec('hex', [current], 'X-PQ-Signature'), message);
    expect(headers).toEqual({ 'x-pq-signature': sha256Hex(current, body) });
    expect(headers['x-pq-signature']).toMatch(/^[0-9a-f]{64}$/);
  });

  test('during a rotation sends both digests in one header, current first', () => {
    const headers = signatureHeaders(spec('hex', [current, previous], 'X-Siggnal-Signature'), message);
    expect(headers).toEqual({
      'x-siggnal-signature': `${sha256Hex(current, body)} ${sha256Hex(previous, body)}`,
    });
  });
});

describe('sha256_prefixed', () => {
  test("sends Prospektr's sha256=<hex>, which its documented verifier accepts", () => {
    const headers = signatureHeaders(spec('sha256_prefixed', [current], 'X-Prospektr-Signature'), message);
    expect(headers).toEqual({ 'x-prospektr-signature': `sha256=${sha256Hex(current, body)}` });
  });

  test('during a rotation sends sha256=<current> sha256=<previous>', () => {
    const headers = signatureHeaders(
      spec('sha256_prefixed', [current, previous], 'x-quintago-signature'),
      message,
    );
    expect(headers).toEqual({
      'x-quintago-signature': `sha256=${sha256Hex(current, body)} sha256=${sha256Hex(previous, body)}`,
    });
  });
});

describe('standard_webhooks', () => {
  const secretA = newSecret('standard_webhooks');
  const secretB = newSecret('standard_webhooks');

  test('sends webhook-id, integer-second webhook-timestamp and a v1 signature, ignoring the header setting', () => {
    const at = new Date('2026-05-18T14:30:00.789Z');
    const headers = signatureHeaders(spec('standard_webhooks', [secretA], 'X-PQ-Signature'), {
      ...message,
      timestamp: at,
    });
    expect(Object.keys(headers).sort()).toEqual(['webhook-id', 'webhook-signature', 'webhook-timestamp']);
    expect(headers['webhook-id']).toBe(message.id);
    expect(headers['webhook-timestamp']).toBe('1779114600');
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);
  });

  test("the standardwebhooks library's verifier accepts the headers and returns the body", () => {
    const headers = signatureHeaders(spec('standard_webhooks', [secretA], ''), message);
    expect(new Webhook(secretA).verify(body, headers)).toEqual(JSON.parse(body.toString()));
  });

  test('during a rotation sends two v1 signatures and verifies under either secret', () => {
    const headers = signatureHeaders(spec('standard_webhooks', [secretA, secretB], ''), message);
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(headers['webhook-signature']).toMatch(/^v1,\S+ v1,\S+$/);
    expect(() => new Webhook(secretA).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(secretB).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(newSecret('standard_webhooks')).verify(body, headers)).toThrow(
      WebhookVerificationError,
    );
  });

  test('a tampered body fails verification', () => {
    const headers = signatureHeaders(spec('standard_webhooks', [secretA], ''), message);
    const tampered = Buffer.from(body.toString().replace('sig_1', 'sig_2'));
    expect(() => new Webhook(secretA).verify(tampered, headers)).toThrow(WebhookVerificationError);
  });

  test('refuses to sign with a secret that is not whsec_ base64, without echoing it', () => {
    expect(() => signatureHeaders(spec('standard_webhooks', [current], ''), message)).toThrow(
      /^signing secret 1 must be "whsec_"/,
    );
    try {
      signatureHeaders(spec('standard_webhooks', [current], ''), message);
    } catch (error) {
      expect(String(error)).not.toContain(current);
    }
  });
});

describe('no signature', () => {
  test("the 'none' scheme sends no header even with a secret", () => {
    expect(signatureHeaders(spec('none', [current]), message)).toEqual({});
  });

  test.each(SIGNATURE_SCHEMES)('%s with no secret sends no header', (scheme) => {
    expect(signatureHeaders(spec(scheme, []), message)).toEqual({});
  });
});

describe('secrets', () => {
  test.each(SIGNATURE_SCHEMES)('a new %s secret passes its own check', (scheme) => {
    const secret = newSecret(scheme);
    expect(secretProblem(scheme, secret)).toBeUndefined();
    expect(newSecret(scheme)).not.toBe(secret);
  });

  test('a new standard_webhooks secret is whsec_ and the base64 of 24 bytes', () => {
    const secret = newSecret('standard_webhooks');
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(24);
  });

  test.each([
    ['no prefix', Buffer.alloc(24, 1).toString('base64')],
    ['base64url characters', `whsec_${Buffer.alloc(24, 0xfb).toString('base64url')}`],
    ['too short a key (16 bytes)', `whsec_${Buffer.alloc(16, 1).toString('base64')}`],
    ['too long a key (65 bytes)', `whsec_${Buffer.alloc(65, 1).toString('base64')}`],
    ['nothing after the prefix', 'whsec_'],
    ['a space inside', `whsec_${Buffer.alloc(24, 1).toString('base64').replace('A', ' ')}`],
  ])('standard_webhooks refuses a secret with %s', (_case, secret) => {
    expect(secretProblem('standard_webhooks', secret)).toMatch(/base64 of 24 to 64 random bytes/);
  });

  test('standard_webhooks accepts 24 to 64 byte keys, padded or not', () => {
    expect(
      secretProblem('standard_webhooks', `whsec_${Buffer.alloc(64, 7).toString('base64')}`),
    ).toBeUndefined();
    const padded = `whsec_${Buffer.alloc(25, 7).toString('base64')}`;
    expect(padded.endsWith('==')).toBe(true);
    expect(secretProblem('standard_webhooks', padded)).toBeUndefined();
    expect(secretProblem('standard_webhooks', padded.replace(/=+$/, ''))).toBeUndefined();
  });

  test.each(['hex', 'sha256_prefixed', 'none'] as const)(
    '%s takes 16 to 256 printable ASCII characters',
    (scheme) => {
      expect(secretProblem(scheme, 'a'.repeat(16))).toBeUndefined();
      expect(secretProblem(scheme, '~'.repeat(256))).toBeUndefined();
      expect(secretProblem(scheme, 'a'.repeat(15))).toMatch(/16 to 256 printable ASCII/);
      expect(secretProblem(scheme, 'a'.repeat(257))).toMatch(/16 to 256 printable ASCII/);
      expect(secretProblem(scheme, 'sixteen chars and spaces')).toMatch(/no spaces/);
      expect(secretProblem(scheme, 'ünïcødé-secret-0123')).toMatch(/printable ASCII/);
    },
  );
});
