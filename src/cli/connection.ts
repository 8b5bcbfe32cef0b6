import fs from 'node:fs/promises';
import type { ConnectionOptions } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config';
import { CliError, EXIT } from './errors';

export interface CliConnection {
  client: Client;
  address: string;
  close(): Promise<void>;
}

export interface ConnectOptions {
  temporal: Config['temporal'];
  /** `--address`, else TEMPORAL_ADDRESS, else the embedded dev server `npm start` runs. */
  address: string | undefined;
  namespace: string | undefined;
  connectTimeoutMs: number;
  /** Must be the service's own converter once payloads are encoded (e.g. encrypted) by a codec. */
  dataConverter?: DataConverter;
}

/**
 * The service's connection settings (TLS, API key) with a short connect timeout, so an unreachable
 * cluster fails in seconds. `connectTemporal` takes no timeout and would wait the SDK's default.
 */
export async function connectCli(options: ConnectOptions): Promise<CliConnection> {
  const { temporal } = options;
  const address = options.address ?? temporal.address ?? `127.0.0.1:${temporal.devPort}`;
  const connection = Connection.lazy({
    address,
    tls: await tlsOptions(temporal),
    apiKey: temporal.apiKey,
    connectTimeout: options.connectTimeoutMs,
  });
  try {
    await connection.ensureConnected();
  } catch (error) {
    await connection.close().catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError(`cannot connect to Temporal at ${address}: ${reason}`, EXIT.unavailable);
  }
  const namespace = options.namespace ?? temporal.namespace;
  const client = new Client({ connection, namespace, dataConverter: options.dataConverter });
  return { client, address, close: () => connection.close() };
}

async function tlsOptions(temporal: Config['temporal']): Promise<ConnectionOptions['tls']> {
  const { tls, apiKey } = temporal;
  if (!tls && !apiKey) return undefined;
  const read = async (file: string | undefined) => {
    if (!file) return undefined;
    try {
      return await fs.readFile(file);
    } catch {
      throw new CliError(`cannot read the TLS file ${file}`, EXIT.usage);
    }
  };
  const [crt, key, ca] = await Promise.all([read(tls?.certPath), read(tls?.keyPath), read(tls?.caPath)]);
  return {
    ...(crt && key ? { clientCertPair: { crt, key } } : {}),
    ...(ca ? { serverRootCACertificate: ca } : {}),
  };
}
