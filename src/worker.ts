import type { NativeConnection } from '@temporalio/worker';
import { Worker } from '@temporalio/worker';
import { Agent } from 'undici';
import type { NotifierConfig } from '../activities/notify-endpoint-event';
import { createActivities } from '../activities';
import type { PlanSettings } from './deliveries/delivery-plan';
import type { TenantStore } from './store/tenant-store';

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  userAgent: string;
  store: TenantStore;
  plan: PlanSettings;
  notifications: NotifierConfig;
  /** A pre-built workflow bundle (tests build one for all files); else workflows are bundled here. */
  workflowBundlePath?: string;
}

/** One connection pool per worker process, shared by every delivery to the same origin. */
export async function createWorker(
  options: WorkerOptions,
): Promise<{ worker: Worker; close(): Promise<void> }> {
  const dispatcher = new Agent({ connect: { timeout: 10_000 }, keepAliveTimeout: 10_000 });
  const worker = await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    // On SIGTERM, attempts in flight (30 s at most) finish instead of being cut off and redone.
    shutdownGraceTime: '35s',
    ...(options.workflowBundlePath
      ? { workflowBundle: { codePath: options.workflowBundlePath } }
      : { workflowsPath: require.resolve('../workflows') }),
    activities: createActivities({
      dispatcher,
      userAgent: options.userAgent,
      store: options.store,
      plan: options.plan,
      notifications: options.notifications,
    }),
  });
  return { worker, close: () => dispatcher.close() };
}
