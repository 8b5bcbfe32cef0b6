import fs from 'node:fs/promises';
import tls from 'node:tls';
import type { DataConverter } from '@temporalio/common';
import type { NativeConnection } from '@temporalio/worker';
import { Worker } from '@temporalio/worker';
import type { NotifierConfig } from '../activities/notify-endpoint-event';
import type { AttemptRecord } from '../workflows/delivery-contract';
import { createActivities } from '../activities';
import type { RecoveryDeps } from '../activities';
import type { OutboundSettings } from './net/address-policy';
import { AddressPolicy, warnIfRelaxed } from './net/address-policy';
import { Agent } from 'undici';
import { createSafeDispatcher } from './net/safe-dispatcher';
import type { PlanSettings } from './deliveries/delivery-plan';
import type { TenantStore } from './store/tenant-store';
import { endpointDirectory } from './store/endpoint-directory';
import { workflowInterceptorModules } from './temporal/workflow-interceptor-modules';
import type { Tracing } from './tracing/tracing';
import { tracingActivityInterceptors, workflowSpanSinks } from './tracing/temporal-tracing';

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  userAgent: string;
  /** Workflow tasks held at once (config.workerDeliverySlots). */
  deliverySlots: number;
  store: TenantStore;
  plan: PlanSettings;
  notifications: NotifierConfig;
  /** Self-healing of streak-paused endpoints; absent, none self-heals. */
  recovery?: RecoveryDeps;
  /**
   * What deliveries may reach; a proxy URL sends them all through that proxy; a CA file adds
   * certificates to Node's default roots for the receivers' TLS.
   */
  outbound: OutboundSettings & { proxyUrl?: string | undefined; caPath?: string | undefined };
  /**
   * A pre-built workflow bundle (tests build one for all files), with the interceptor modules of
   * src/temporal/workflow-interceptor-modules.ts; else workflows are bundled here.
   */
  workflowBundlePath?: string;
  /** Encrypts payloads and failure messages (src/codec); a pre-built bundle must carry its failure converter. */
  dataConverter?: DataConverter;
  /** Told of every attempt's record (metrics count them). */
  observeAttempt?: (record: AttemptRecord) => void;
  /** Where workflows' and activities' spans go; `undefined`: tracing is off. */
  tracing?: Tracing;
}

/** One connection pool per worker process, shared by every delivery to the same origin. */
export async function createWorker(
  options: WorkerOptions,
): Promise<{ worker: Worker; close(): Promise<void> }> {
  const policy = new AddressPolicy(options.outbound);
  warnIfRelaxed(policy);
  const { caPath } = options.outbound;
  const ca = caPath ? [...tls.rootCertificates, await fs.readFile(caPath, 'utf8')] : undefined;
  const dispatcher = createSafeDispatcher({ policy, proxyUrl: options.outbound.proxyUrl, ca });
  const opsDispatcher = new Agent({ connect: { timeout: 10_000 } });
  const worker = await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    dataConverter: options.dataConverter,
    // On SIGTERM or Ctrl-C, attempts in flight get this long to finish, so the process exits within
    // 10 s; one still waiting on a slow receiver then is cancelled and made again by the next worker,
    // under the same delivery id.
    shutdownGraceTime: '8s',
    // An attempt is an HTTP request waiting on someone else's server, with a bounded body: many can
    // wait at once, so endpoints that hang until their timeout cannot take every slot from the rest.
    // It runs as a local activity inside its delivery's workflow task, which holds a workflow task
    // slot meanwhile; deliveries started before that run it as a regular activity. The cost of many
    // slots: under a flood the backlog moves from Temporal's queue, where hot deliveries overtake
    // and tenants take turns, into this process, where they do not.
    maxConcurrentLocalActivityExecutions: 1000,
    maxConcurrentWorkflowTaskExecutions: options.deliverySlots,
    maxConcurrentActivityTaskExecutions: 1000,
    ...(options.workflowBundlePath
      ? { workflowBundle: { codePath: options.workflowBundlePath } }
      : { workflowsPath: require.resolve('../workflows') }),
    interceptors: {
      // A pre-built bundle already carries them (test/helpers/workflow-bundle.ts).
      ...(options.workflowBundlePath
        ? {}
        : { workflowModules: workflowInterceptorModules(options.tracing !== undefined) }),
      activity: tracingActivityInterceptors(options.tracing),
    },
    ...(options.tracing ? { sinks: workflowSpanSinks(options.tracing) } : {}),
    activities: observed(
      createActivities({
        dispatcher,
        opsDispatcher,
        userAgent: options.userAgent,
        endpoints: endpointDirectory(options.store, options.plan),
        notifications: options.notifications,
        recovery: options.recovery,
      }),
      options.observeAttempt,
    ),
  });
  return {
    worker,
    close: () => Promise.all([dispatcher.close(), opsDispatcher.close()]).then(() => undefined),
  };
}

/** The activities, with each attempt's record shown to `observe` on its way back to the workflow. */
function observed(
  activities: ReturnType<typeof createActivities>,
  observe: ((record: AttemptRecord) => void) | undefined,
): ReturnType<typeof createActivities> {
  if (!observe) return activities;
  return {
    ...activities,
    attemptDelivery: async (input) => {
      const record = await activities.attemptDelivery(input);
      observe(record);
      return record;
    },
  };
}
