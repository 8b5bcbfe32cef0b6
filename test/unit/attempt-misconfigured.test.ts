import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { Agent } from 'undici';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { attemptDelivery } from '../../activities/attempt-delivery';
import { ENDPOINT_MISCONFIGURED } from '../../workflows/delivery-contract';
import type { EndpointSnapshot } from '../../workflows/delivery-contract';
import { startReceiver } from '../helpers/receiver';
import type { Receiver } from '../helpers/receiver';

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
});

const endpoint = (signature: EndpointSnapshot['signature'], secret: string): EndpointSnapshot => ({
  id: 'ep_0123456789abcdef',
  url: receiver.url,
  method: 'POST',
  headers: {},
  signature,
  secrets: [{ secret, expiresAt: null }],
  timeoutMs: 5_000,
});

test.each([
  {
    why: 'a Standard Webhooks secret that is not whsec_ and base64',
    signature: { scheme: 'standard_webhooks' as const, header: '', body_field: null },
    secret: 'not-a-standard-secret',
  },
  {
    why: 'a signature header name that HTTP does not allow',
    signature: { scheme: 'hex' as const, header: 'X Bad Header', body_field: null },
    secret: 'test_secret_0123456789',
  },
])(
  '$why fails the attempt for good as EndpointMisconfigured, and sends nothing',
  async ({ signature, secret }) => {
    const attempt = new MockActivityEnvironment().run(
      attemptDelivery,
      { dispatcher: new Agent(), userAgent: 'signal-push/test' },
      {
        deliveryId: 'dlv_test',
        attempt: 1,
        endpoint: endpoint(signature, secret),
        payload: { hello: 'world' },
        notBefore: null,
        notAfter: null,
      },
    );
    const failure = await attempt.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: ENDPOINT_MISCONFIGURED, nonRetryable: true });
    expect(receiver.requests).toHaveLength(0);
  },
);
