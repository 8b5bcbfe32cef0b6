import type { Server } from 'node:http';
import type { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { createApp } from './api/app';
import { hashApiKey } from './auth/api-keys';
import type { OperatorKey } from './auth/operator-key';
import { loadOrCreateOperatorKey } from './auth/operator-key';
import type { Config } from './config';
import { EndpointHealthClient } from './store/endpoint-health';
import { TenantStore } from './store/tenant-store';
import type { TemporalConnections } from './temporal/connect';
import { connectTemporal } from './temporal/connect';
import type { DevServer } from './temporal/dev-server';
import { startDevServer } from './temporal/dev-server';
import { registerSearchAttributes } from './temporal/search-attributes';
import { createWorker } from './worker';
import path from 'node:path';

export interface Service {
  /** The service's Temporal client (tests and the CLI count and inspect workflows with it). */
  client: Client;
  apiUrl: string | undefined;
  temporalAddress: string;
  webUiUrl: string | undefined;
  /** Only where the API runs; workers need no key. */
  operatorKey: OperatorKey | undefined;
  devServer: DevServer | undefined;
  stop(): Promise<void>;
}

export interface ServiceOptions {
  workflowBundlePath?: string;
}

/**
 * Starts what the configured role asks for: the embedded Temporal dev server when no address is
 * configured, the worker, and the API. `stop()` takes them down in the reverse order.
 */
export async function startService(config: Readonly<Config>, options: ServiceOptions = {}): Promise<Service> {
  const { temporal } = config;
  const devServer = temporal.address
    ? undefined
    : await startDevServer({
        cliPath: temporal.cliPath ?? 'temporal',
        port: temporal.devPort,
        uiPort: temporal.uiPort,
        namespace: temporal.namespace,
        dbFile: path.join(config.dataDir, 'temporal.db'),
      });
  const address = temporal.address ?? devServer!.address;
  const runsWorker = config.role !== 'api';
  const runsApi = config.role !== 'worker';

  let connections: TemporalConnections | undefined;
  let worker: { worker: Worker; close(): Promise<void> } | undefined;
  let workerRun: Promise<void> | undefined;
  let server: Server | undefined;
  const stop = async (): Promise<void> => {
    // Stop taking signals first, then let in-flight attempts finish or hand them back.
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    if (worker && worker.worker.getState() === 'RUNNING') worker.worker.shutdown();
    await workerRun?.catch(() => undefined);
    await worker?.close();
    await connections?.close();
    await devServer?.stop();
  };

  try {
    connections = await connectTemporal(temporal, address, runsWorker);
    await registerSearchAttributes(connections.client, temporal.namespace);
    const store = new TenantStore(connections.client, temporal.taskQueue);
    const plan = {
      signatureHeader: config.signatureHeader,
      retryDelayScale: config.retryDelayScale,
      deadLetterRetentionMs: config.deadLetterRetentionMs,
    };
    const operatorKey = runsApi
      ? await loadOrCreateOperatorKey(config.operatorKey, config.dataDir)
      : undefined;

    if (runsWorker) {
      worker = await createWorker({
        connection: connections.workerConnection!,
        namespace: temporal.namespace,
        taskQueue: temporal.taskQueue,
        userAgent: config.userAgent,
        store,
        plan,
        notifications: config.notifications,
        workflowBundlePath: options.workflowBundlePath,
      });
      workerRun = worker.worker.run();
    }

    let apiUrl: string | undefined;
    if (operatorKey) {
      const app = createApp({
        client: connections.client,
        store,
        health: new EndpointHealthClient(connections.client, temporal.taskQueue),
        operatorKeyHash: hashApiKey(operatorKey.key),
        delivery: { taskQueue: temporal.taskQueue, ...plan },
      });
      server = await new Promise<Server>((resolve, reject) => {
        const listening = app.listen(config.port, config.host, () => resolve(listening));
        listening.once('error', reject);
      });
      const bound = server.address();
      const port = typeof bound === 'object' && bound ? bound.port : config.port;
      apiUrl = `http://${config.host}:${port}`;
    }

    return {
      client: connections.client,
      apiUrl,
      temporalAddress: address,
      webUiUrl: devServer?.uiUrl,
      operatorKey,
      devServer,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
