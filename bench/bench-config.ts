import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { Config } from '../src/config';
import { loadConfig } from '../src/config';

/**
 * The configuration every benchmark runs the embedded stack with: a data folder of its own, its own
 * dev server ports (17233/18233), loopback receivers allowed, and no API rate limit in the way.
 */
export async function benchConfig(name: string): Promise<{ config: Readonly<Config>; dataDir: string }> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), `signal-push-${name}-`));
  const config = loadConfig({
    ...process.env,
    PORT: '0',
    TEMPORAL_DEV_PORT: process.env.TEMPORAL_DEV_PORT ?? '17233',
    TEMPORAL_UI_PORT: process.env.TEMPORAL_UI_PORT ?? '18233',
    SIGNAL_PUSH_DATA_DIR: dataDir,
    SIGNAL_PUSH_OUTBOUND_ALLOW: '127.0.0.1/32',
    SIGNAL_PUSH_OUTBOUND_ALLOW_HTTP: 'true',
    SIGNAL_PUSH_API_RATE_LIMIT_PER_MINUTE: '10000000',
  });
  return { config, dataDir };
}
