import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { loadConfig } from '../../src/config';
import { TEST_CODEC_KEYS } from './codec-keys';
import type { Api } from './api-client';
import { apiClient } from './api-client';
import type { Service, ServiceOptions } from '../../src/service';
import { startService } from '../../src/service';

export { apiClient };
export { eventually } from './eventually';
export type { Api };

export interface Stack {
  service: Service;
  api: Api;
  operatorKey: string;
  taskQueue: string;
  stop(): Promise<void>;
}

/**
 * Payload encryption keys for every stack and worker process of the run. The stacks run against an
 * external cluster (TEMPORAL_ADDRESS), where keys are required and must be shared, so worker
 * child processes (which inherit `process.env`) get the same ones.
 */
export { TEST_CODEC_KEYS };
process.env.SIGNAL_PUSH_CODEC_KEYS ??= TEST_CODEC_KEYS;

/**
 * The real service (worker and API) against the run's Temporal dev server, on a task queue of its
 * own so test files never see each other's work. Retry delays are scaled down by `retryDelayScale`.
 */
export async function startStack(
  env: Record<string, string> = {},
  options: Pick<ServiceOptions, 'spanExporter' | 'workflowBundlePath'> = {},
): Promise<Stack> {
  const operatorKey = `spo_test_${randomBytes(24).toString('hex')}`;
  const taskQueue = `test-${randomBytes(6).toString('hex')}`;
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'signal-push-test-'));
  const config = loadConfig({
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: taskQueue,
    PORT: '0',
    SIGNAL_PUSH_OPS_PORT: '0',
    SIGNAL_PUSH_OPERATOR_KEY: operatorKey,
    SIGNAL_PUSH_DATA_DIR: dataDir,
    SIGNAL_PUSH_RETRY_DELAY_SCALE: '0.01',
    // Receivers listen on 127.0.0.1 over plain http, which production refuses.
    SIGNAL_PUSH_OUTBOUND_ALLOW: '127.0.0.1/32',
    SIGNAL_PUSH_OUTBOUND_ALLOW_HTTP: 'true',
    // High enough that no test but the rate-limit one ever meets the limit.
    SIGNAL_PUSH_API_RATE_LIMIT_PER_MINUTE: '100000',
    SIGNAL_PUSH_CODEC_KEYS: TEST_CODEC_KEYS,
    ...env,
  });
  const service = await startService(config, {
    workflowBundlePath: inject('workflowBundlePath'),
    ...options,
  });
  const api = apiClient(service.apiUrl!);
  return {
    service,
    api,
    operatorKey,
    taskQueue,
    async stop() {
      await service.stop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
