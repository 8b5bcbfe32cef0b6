import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { Agent } from 'undici';
import { inject } from 'vitest';
import type { ActivityDeps, EndpointDirectory } from '../../activities';
import { createActivities } from '../../activities';
import { AesGcmCodec } from '../../src/codec/aes-gcm-codec';
import { parseCodecKeys } from '../../src/codec/codec-keys';
import { createDataConverter } from '../../src/codec/data-converter';
import { registerSearchAttributes } from '../../src/temporal/search-attributes';
import { TEST_CODEC_KEYS } from './codec-keys';

/** A directory that knows no endpoint: what a test's own directory leaves out answers this. */
const NO_ENDPOINTS: EndpointDirectory = {
  deliveryPlan: async () => null,
  endpointLabel: async () => undefined,
  ownerEmail: async () => undefined,
  setEndpointHealth: async () => undefined,
};

export interface TimeSkippingStack {
  env: TestWorkflowEnvironment;
  client: Client;
  taskQueue: string;
  /** Runs `fn` while the stack's worker of the real workflows and activities polls the task queue. */
  withWorker<R>(fn: () => Promise<R>): Promise<R>;
  stop(): Promise<void>;
}

/**
 * Temporal's time-skipping test server with the real workflow bundle and activities: timers of
 * minutes or days fire as soon as nothing else is running. The activities' endpoint directory is
 * the caller's (the tenant store needs a running service; this tier starts none): what it leaves out
 * knows no endpoint.
 */
export async function startTimeSkipping(
  directory: Partial<EndpointDirectory> = {},
  extra: Partial<Pick<ActivityDeps, 'recovery' | 'notifications'>> = {},
): Promise<TimeSkippingStack> {
  const dataConverter = createDataConverter(new AesGcmCodec(parseCodecKeys(TEST_CODEC_KEYS)));
  const create = () =>
    TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: inject('testServerPath') } },
      // The environment's own client skips time while a test waits for a result.
      client: { dataConverter },
    });
  // The SDK gives the server a fixed 5 s to listen, which its JVM can miss on a busy machine (it
  // missed twice in a row once, at a load of 8 on two cores); the SDK then kills it, and the next
  // try starts afresh.
  const env = await withStartRetries(create);
  await registerSearchAttributes(env.client, env.namespace ?? 'default');
  const taskQueue = `unit-${randomBytes(6).toString('hex')}`;
  const dispatcher = new Agent();
  const activities = createActivities({
    dispatcher,
    opsDispatcher: dispatcher,
    userAgent: 'signal-push/test',
    endpoints: { ...NO_ENDPOINTS, ...directory },
    notifications: { smtp: undefined, opsWebhook: undefined },
    ...extra,
  });
  // One worker for the stack's life, started on first use and shared by the file's tests: creating
  // and shutting down one per test cost about a second each time.
  let worker: Promise<{ worker: Worker; stopped: Promise<void> }> | undefined;
  const running = () =>
    (worker ??= Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace,
      taskQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      activities,
      dataConverter,
    }).then((created) => ({ worker: created, stopped: created.run() })));
  return {
    env,
    client: env.client,
    taskQueue,
    async withWorker(fn) {
      const { stopped } = await running();
      const stoppedFirst = stopped.then(() => {
        throw new Error('the test worker stopped before the test was done');
      });
      return Promise.race([fn(), stoppedFirst]);
    },
    async stop() {
      if (worker) {
        const { worker: started, stopped } = await worker;
        started.shutdown();
        await stopped;
      }
      await dispatcher.close();
      await env.teardown();
    },
  };
}

const START_TRIES = 4;

async function withStartRetries<T>(start: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await start();
    } catch (error) {
      if (tries === START_TRIES || !String(error).includes('did not start within')) throw error;
    }
  }
}
