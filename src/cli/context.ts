import { planSettingsOf } from '../deliveries/delivery-plan';
import type { EndpointTestDeps } from '../services/endpoint-test';
import type { ResendDeps } from '../services/delivery-resend';
import type { Client } from '@temporalio/client';
import path from 'node:path';
import { AesGcmCodec } from '../codec/aes-gcm-codec';
import type { CodecKeySet } from '../codec/codec-keys';
import { parseCodecKeys, readKeyFile } from '../codec/codec-keys';
import { createDataConverter } from '../codec/data-converter';
import { loadConfig } from '../config';
import type { Config } from '../config';
import { hashApiKey } from '../auth/api-keys';
import { readOperatorKey } from '../auth/operator-key';
import { PortalTokens } from '../auth/portal-tokens';
import type { PortalSessionDeps } from '../services/portal-sessions';
import { EndpointHealthClient } from '../store/endpoint-health';
import { PortalRevocationStore } from '../store/portal-revocations';
import { TenantStore } from '../store/tenant-store';
import type { CliConnection } from './connection';
import { connectCli } from './connection';
import { CliError, EXIT } from './errors';
import type { ExitCode } from './errors';
import { json } from './format';

export interface Output {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface CliIo {
  stdout: Output;
  stderr: Output;
}

export interface GlobalOptions {
  address?: string;
  namespace?: string;
  connectTimeout: number;
}

/** What every command needs: where to write, and a Temporal client opened on first use. */
export class CliContext {
  /** A command that partly failed (some replays of a bulk replay) sets this. */
  exitCode: ExitCode = EXIT.ok;
  globals: GlobalOptions = { connectTimeout: 5 };
  private connection: CliConnection | undefined;
  private config: Readonly<Config> | undefined;

  constructor(
    readonly io: CliIo,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  async client(): Promise<Client> {
    const config = this.loadConfig();
    this.connection ??= await connectCli({
      temporal: config.temporal,
      address: this.globals.address,
      namespace: this.globals.namespace,
      connectTimeoutMs: this.globals.connectTimeout * 1000,
      dataConverter: createDataConverter(new AesGcmCodec(await this.codecKeys(config))),
    });
    return this.connection.client;
  }

  /** The service's payload keys: from the environment, or the file the embedded default keeps. */
  private async codecKeys(config: Readonly<Config>): Promise<CodecKeySet> {
    try {
      const keys = config.codecKeys
        ? parseCodecKeys(config.codecKeys)
        : await readKeyFile(path.join(config.dataDir, 'codec-keys'));
      if (keys) return keys;
    } catch (error) {
      throw new CliError(error instanceof Error ? error.message : String(error), EXIT.usage);
    }
    throw new CliError(
      'no payload keys: set SIGNAL_PUSH_CODEC_KEYS as the service has it, or run from the folder of `npm start`',
      EXIT.usage,
    );
  }

  async tenantStore(): Promise<TenantStore> {
    return new TenantStore(await this.client(), this.loadConfig().temporal.taskQueue);
  }

  async endpointHealth(): Promise<EndpointHealthClient> {
    return new EndpointHealthClient(await this.client(), this.loadConfig().temporal.taskQueue);
  }

  /** What a send-test or a resend from here starts its delivery with: the service's own settings. */
  async deliveryServices(): Promise<EndpointTestDeps & ResendDeps> {
    const config = this.loadConfig();
    return {
      store: await this.tenantStore(),
      starts: { client: await this.client(), eager: false },
      settings: { taskQueue: config.temporal.taskQueue, ...planSettingsOf(config) },
    };
  }

  /**
   * What portal links are made with: the API's own operator key (so the API accepts them), its
   * public URL, and the default lifetime.
   */
  async portal(): Promise<PortalSessionDeps & { baseUrl: string; linkSeconds: number }> {
    const config = this.loadConfig();
    const key = await readOperatorKey(config.operatorKey, config.dataDir);
    if (!key) {
      throw new CliError(
        'no operator key: set SIGNAL_PUSH_OPERATOR_KEY as the API has it, or run from the folder of `npm start`',
        EXIT.usage,
      );
    }
    const store = await this.tenantStore();
    return {
      store,
      revocations: new PortalRevocationStore(store.calls),
      tokens: new PortalTokens(hashApiKey(key)),
      baseUrl: config.portal.baseUrl ?? `http://${config.host}:${config.port}`,
      linkSeconds: config.portal.linkSeconds,
    };
  }

  /** `--json`: one JSON document; otherwise the human rendering. */
  print(asJson: boolean | undefined, value: unknown, human: () => string): void {
    this.io.stdout.write(asJson ? json(value) : human());
  }

  async close(): Promise<void> {
    await this.connection?.close().catch(() => undefined);
    this.connection = undefined;
  }

  private loadConfig(): Readonly<Config> {
    try {
      this.config ??= loadConfig(this.env);
    } catch (error) {
      throw new CliError(error instanceof Error ? error.message : String(error), EXIT.usage);
    }
    return this.config;
  }
}
