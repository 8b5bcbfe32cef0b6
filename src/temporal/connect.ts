import fs from 'node:fs/promises';
import type { ClientInterceptors, ConnectionOptions } from '@temporalio/client';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config';
import type { DeliveryStarts } from '../deliveries/start-deliveries';
import { endCallsAfterClose } from './closed-connection';

export interface TemporalConnections {
  client: Client;
  /** How this process starts deliveries; see `connectTemporal`. */
  deliveryStarts: DeliveryStarts;
  /** Only where a worker runs in this process. */
  workerConnection: NativeConnection | undefined;
  close(): Promise<void>;
}

async function connectionOptions(config: Config['temporal'], address: string) {
  const { tls } = config;
  const read = (file: string | undefined) => (file ? fs.readFile(file) : Promise.resolve(undefined));
  const [crt, key, ca] = await Promise.all([read(tls?.certPath), read(tls?.keyPath), read(tls?.caPath)]);
  const tlsOptions: ConnectionOptions['tls'] =
    tls || config.apiKey
      ? {
          ...(crt && key ? { clientCertPair: { crt, key } } : {}),
          ...(ca ? { serverRootCACertificate: ca } : {}),
        }
      : undefined;
  return { address, tls: tlsOptions, apiKey: config.apiKey };
}

/** The SDK's default retries, then the guard that ends a retry after close (closed-connection.ts). */
const clientInterceptors = [makeGrpcRetryInterceptor(defaultGrpcRetryOptions()), endCallsAfterClose];

/**
 * Opens the client connection, and the worker's native one when this process runs a worker. The
 * clients encode and decode with `dataConverter` (src/codec), the same one the workers use.
 *
 * Where the API and a worker share the process, deliveries are started on the worker's connection
 * with eager start: the server records the start and hands its first workflow task back in the
 * same answer to this process's worker, instead of queueing it for a poll. The 202 still waits for
 * the durable start; a worker that dies with the task in hand has it retried after the task timeout.
 */
export async function connectTemporal(
  config: Config['temporal'],
  address: string,
  runs: { worker: boolean; api: boolean },
  dataConverter?: DataConverter,
  interceptors?: ClientInterceptors,
): Promise<TemporalConnections> {
  const options = await connectionOptions(config, address);
  const connection = await Connection.connect({ ...options, interceptors: clientInterceptors });
  const workerConnection = runs.worker ? await NativeConnection.connect(options) : undefined;
  const clientOptions = { namespace: config.namespace, dataConverter, interceptors };
  const client = new Client({ connection, ...clientOptions });
  const eager = workerConnection !== undefined && runs.api;
  return {
    client,
    deliveryStarts: eager
      ? { client: new Client({ connection: workerConnection, ...clientOptions }), eager }
      : { client, eager },
    workerConnection,
    async close() {
      await workerConnection?.close();
      await connection.close();
    },
  };
}
