import { planSettingsOf } from './deliveries/delivery-plan';
import type { Server } from 'node:http';
import type { Client, WorkflowClientInterceptor } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import express from 'express';
import type { Express } from 'express';
import { opsRoutes } from './api/ops-routes';
import { createServiceMetrics } from './metrics/service-metrics';
import { hashApiKey } from './auth/api-keys';
import type { OperatorKey } from './auth/operator-key';
import { loadOrCreateOperatorKey } from './auth/operator-key';
import { AesGcmCodec } from './codec/aes-gcm-codec';
import { loadOrCreateCodecKeys } from './codec/codec-keys';
import { createDataConverter } from './codec/data-converter';
import type { Config } from './config';
import { EndpointHealthClient } from './store/endpoint-health';
import { TenantStore } from './store/tenant-store';
import type { TemporalConnections } from './temporal/connect';
import { connectTemporal } from './temporal/connect';
import { StartAdmission } from './deliveries/start-admission';
import type { DevServer } from './temporal/dev-server';
import { startDevServer } from './temporal/dev-server';
import { registerSearchAttributes } from './temporal/search-attributes';
import { createWorker } from './worker';
import path from 'node:path';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { requestIdClientInterceptor } from './temporal/request-id-client-interceptor';
import { tracingClientInterceptors } from './tracing/temporal-tracing';
import { startTracing } from './tracing/tracing';
import { recoveryReads } from './services/recovery-reads';

export interface Service {
  /** The service's Temporal client (tests and the CLI count and inspect workflows with it). */
  client: Client;
  apiUrl: string | undefined;
  /** Where a worker-only process serves /healthz, /readyz and /metrics. */
  opsUrl: string | undefined;
  /** The API's Express app, where the API runs (the OpenAPI test lists its routes). */
  app: Express | undefined;
  temporalAddress: string;
  webUiUrl: string | undefined;
  /** Only where the API runs; workers need no key. */
  operatorKey: OperatorKey | undefined;
  devServer: DevServer | undefined;
  /** The payload encryption keys' file (embedded default); `undefined` when they came from the environment. */
  codecKeys: { file: string | undefined; created: boolean };
  /** Where a worker runs here: its status (the benchmark samples its workflow cache). */
  workerStatus: (() => ReturnType<Worker['getStatus']>) | undefined;
  stop(): Promise<void>;
}

export interface ServiceOptions {
  workflowBundlePath?: string;
  /** Run the embedded dev server without its SQLite file (benchmarks compare the two). */
  inMemoryDevServer?: boolean;
  /** Added to the service's Temporal clients (the benchmark counts eager starts with one). */
  clientInterceptors?: { workflow?: WorkflowClientInterceptor[] };
  /** Turns tracing on with spans sent here, whatever OTEL_* says (tests read them from memory). */
  spanExporter?: SpanExporter;
}

/**
 * Starts what the configured role asks for: the embedded Temporal dev server when no address is
 * configured, the worker, and the API. `stop()` takes them down in the reverse order.
 */
export async function startService(config: Readonly<Config>, options: ServiceOptions = {}): Promise<Service> {
  const { temporal } = config;
  // Before anything starts: missing or malformed keys stop start-up with one line.
  const codecKeys = await loadOrCreateCodecKeys(config);
  const codec = new AesGcmCodec(codecKeys.keySet);
  const dataConverter = createDataConverter(codec);
  const devServer = temporal.address
    ? undefined
    : await startDevServer({
        cliPath: temporal.cliPath ?? 'temporal',
        port: temporal.devPort,
        uiPort: temporal.uiPort,
        namespace: temporal.namespace,
        dbFile: options.inMemoryDevServer ? undefined : path.join(config.dataDir, 'temporal.db'),
        uiCodecEndpoint: uiCodecEndpoint(config),
      });
  const address = temporal.address ?? devServer!.address;
  const runsWorker = config.role !== 'api';
  const runsApi = config.role !== 'worker';

  let connections: TemporalConnections | undefined;
  let worker: { worker: Worker; close(): Promise<void> } | undefined;
  let workerRun: Promise<void> | undefined;
  let server: Server | undefined;
  let store: TenantStore | undefined;
  const metrics = createServiceMetrics();
  const tracing = await startTracing(config.tracesExporter, options.spanExporter);
  const stop = async (): Promise<void> => {
    // Stop taking signals first, then let in-flight attempts finish or hand them back.
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    if (worker && worker.worker.getState() === 'RUNNING') worker.worker.shutdown();
    await workerRun?.catch(() => undefined);
    await worker?.close();
    await store?.calls.settled();
    await connections?.close();
    await tracing?.shutdown();
    await devServer?.stop();
  };

  try {
    connections = await connectTemporal(
      temporal,
      address,
      { worker: runsWorker, api: runsApi },
      dataConverter,
      {
        workflow: [
          ...tracingClientInterceptors(tracing),
          requestIdClientInterceptor,
          ...(options.clientInterceptors?.workflow ?? []),
        ],
      },
    );
    await registerSearchAttributes(connections.client, temporal.namespace);
    store = new TenantStore(connections.client, temporal.taskQueue);
    const plan = planSettingsOf(config);
    const operatorKey = runsApi
      ? await loadOrCreateOperatorKey(config.operatorKey, config.dataDir)
      : undefined;

    if (runsWorker) {
      worker = await createWorker({
        connection: connections.workerConnection!,
        namespace: temporal.namespace,
        taskQueue: temporal.taskQueue,
        userAgent: config.userAgent,
        deliverySlots: config.workerDeliverySlots,
        store,
        plan,
        notifications: config.notifications,
        recovery: recoveryReads(connections.client, store, plan, config.recovery),
        outbound: config.outbound,
        workflowBundlePath: options.workflowBundlePath,
        dataConverter,
        observeAttempt: (record) => metrics.observeAttempt(record),
        tracing,
      });
      workerRun = worker.worker.run();
    }
    const running = worker?.worker;
    const workerState = running ? () => running.getState() : undefined;

    let apiUrl: string | undefined;
    let app: Express | undefined;
    if (operatorKey) {
      // Loaded only where the API runs: a worker-only process starts without its routes, schemas
      // and portal, about a second of CPU sooner.
      const [{ createApp }, { defaultCodecCorsOrigins }] = await Promise.all([
        import('./api/app'),
        import('./api/codec/codec-routes'),
      ]);
      app = createApp({
        client: connections.client,
        store,
        health: new EndpointHealthClient(connections.client, temporal.taskQueue),
        operatorKeyHash: hashApiKey(operatorKey.key),
        delivery: { taskQueue: temporal.taskQueue, ...plan },
        deliveryStarts: {
          ...connections.deliveryStarts,
          admission: new StartAdmission(config.startsInFlight),
          onStarted: (kind) => metrics.deliveriesStarted.inc({ kind: kind ?? 'event' }),
        },
        outbound: config.outbound,
        namespace: temporal.namespace,
        metrics,
        workerState,
        traced: tracing !== undefined,
        rateLimitPerMinute: config.apiRateLimitPerMinute,
        trustProxy: config.trustProxy,
        portal: config.portal,
        codec: {
          codec,
          namespace: temporal.namespace,
          corsOrigins: config.codecCorsOrigins.length
            ? config.codecCorsOrigins
            : defaultCodecCorsOrigins(temporal.uiPort),
        },
      });
      server = await listen(app, config.host, config.port, 'PORT');
      apiUrl = urlOf(server, config.host);
    }
    let opsUrl: string | undefined;
    if (!runsApi) {
      const ops = express().disable('x-powered-by');
      ops.use(opsRoutes({ client: connections.client, namespace: temporal.namespace, workerState, metrics }));
      server = await listen(ops, config.host, config.opsPort, 'SIGNAL_PUSH_OPS_PORT');
      opsUrl = urlOf(server, config.host);
    }

    return {
      client: connections.client,
      apiUrl,
      opsUrl,
      app,
      temporalAddress: address,
      webUiUrl: devServer?.uiUrl ?? temporal.uiUrl,
      operatorKey,
      devServer,
      codecKeys: { file: codecKeys.file, created: codecKeys.created },
      workerStatus: worker ? worker.worker.getStatus.bind(worker.worker) : undefined,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The API's codec endpoint as the embedded Web UI's browser reaches it; unknown while the API port
 * is picked at start (PORT=0), and absent where no API runs in this process.
 */
function uiCodecEndpoint(config: Readonly<Config>): string | undefined {
  if (config.role === 'worker' || config.port === 0) return undefined;
  const host = ['0.0.0.0', '::', ''].includes(config.host) ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}/codec`;
}

/** `setting` names the variable that chose the port, so a port in use says what to change. */
function listen(app: express.Express, host: string, port: number, setting: string): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    // Express 5 hands a listen error (a port in use) to this callback, not only to 'error'.
    const listening = app.listen(port, host, (error?: Error) =>
      error ? reject(new Error(`${setting}: ${error.message}`)) : resolve(listening),
    );
  });
}

function urlOf(server: Server, host: string): string {
  const bound = server.address();
  return `http://${host}:${typeof bound === 'object' && bound ? bound.port : 0}`;
}
