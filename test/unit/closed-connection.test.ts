import { Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { expect, test } from 'vitest';
import { endCallsAfterClose } from '../../src/temporal/closed-connection';
import { freePort } from '../helpers/free-port';

test('a call still retrying when its connection closes fails to its caller instead of crashing the process', async () => {
  // Nothing listens there: each attempt is refused at once and retried from a timer.
  const connection = Connection.lazy({
    address: `127.0.0.1:${await freePort()}`,
    interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions()), endCallsAfterClose],
  });
  const crashes: unknown[] = [];
  const onCrash = (error: unknown) => crashes.push(error);
  process.on('uncaughtException', onCrash);
  try {
    const call = connection.workflowService.getSystemInfo({}).then(
      () => 'answered',
      (error: unknown) => (error as Error).message,
    );
    // The first attempt has failed, its retry waits on a timer: the service stops now.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await connection.close();
    expect(await call).toMatch(/connection was closed|CANCELLED/i);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(crashes).toEqual([]);
  } finally {
    process.off('uncaughtException', onCrash);
  }
}, 10_000);
