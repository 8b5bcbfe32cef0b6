import fs from 'node:fs/promises';
import type { ConnectionOptions } from '@temporalio/client';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config';

export interface TemporalConnections {
  client: Client;
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

/**
 * Opens the client connection, and the worker's native one when this process runs a worker. The
 * client encodes and decodes with `dataConverter` (src/codec), the same one the workers use.
 */
export async function connectTemporal(
  config: Config['temporal'],
  address: string,
  withWorker: boolean,
  dataConverter?: DataConverter,
): Promise<TemporalConnections> {
  const options = await connectionOptions(config, address);
  const connection = await Connection.connect(options);
  const workerConnection = withWorker ? await NativeConnection.connect(options) : undefined;
  const client = new Client({ connection, namespace: config.namespace, dataConverter });
  return {
    client,
    workerConnection,
    async close() {
      await workerConnection?.close();
      await connection.close();
    },
  };
}
