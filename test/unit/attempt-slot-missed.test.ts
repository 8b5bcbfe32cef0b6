import type { LogLevel, LogMetadata } from '@temporalio/common';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { Agent } from 'undici';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { attemptDelivery } from '../../activities/attempt-delivery';
import type { EndpointSnapshot } from '../../workflows/delivery-contract';
import { SLOT_MISSED } from '../../workflows/rate-slots';
import { startReceiver } from '../helpers/receiver';
import type { Receiver } from '../helpers/receiver';

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());

test('an attempt that reaches its rate-limit slot too late sends nothing, and the worker logs it below warning', async () => {
  const logged: Array<{ level: LogLevel; message: string; meta?: LogMetadata }> = [];
  const logger = new DefaultLogger('TRACE', (entry) => logged.push(entry));
  const past = new Date(Date.now() - 60_000).toISOString();
  const endpoint: EndpointSnapshot = {
    id: 'ep_0123456789abcdef',
    url: receiver.url,
    method: 'POST',
    headers: {},
    signature: { scheme: 'none', header: 'X-Signature', body_field: null },
    secrets: [],
    timeoutMs: 5_000,
  };
  const failure = await new MockActivityEnvironment(undefined, { logger })
    .run(
      attemptDelivery,
      { dispatcher: new Agent(), userAgent: 'signal-push/test' },
      {
        deliveryId: 'dlv_test',
        attempt: 1,
        endpoint,
        payload: { hello: 'world' },
        notBefore: past,
        notAfter: past,
      },
    )
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  expect(failure).toBeInstanceOf(ApplicationFailure);
  expect(failure).toMatchObject({ type: SLOT_MISSED, nonRetryable: true });
  expect(receiver.requests).toHaveLength(0);
  expect(logged.filter((entry) => entry.message === 'Activity failed').map((entry) => entry.level)).toEqual([
    'DEBUG',
  ]);
});
