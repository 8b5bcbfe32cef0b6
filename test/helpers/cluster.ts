import fs from 'node:fs/promises';
import path from 'node:path';
import { apiClient } from './api-client';
import type { Api } from './api-client';

/**
 * The cluster `npm run test:cluster` started (scripts/start-cluster.sh): its own API and worker
 * processes, and each part's pid file, through which a test kills a part; the cluster's supervisor
 * then starts it again.
 */
export interface Cluster {
  api: Api;
  operatorKey: string;
  pidOf(part: string): Promise<number>;
  /** Sends `signal` to the part and resolves once the supervisor has started a new process. */
  restart(part: string, signal: NodeJS.Signals): Promise<void>;
}

export async function testCluster(): Promise<Cluster> {
  const dataDir = process.env.SIGNAL_PUSH_TEST_CLUSTER_DIR;
  const apiUrl = process.env.SIGNAL_PUSH_TEST_CLUSTER_API;
  if (!dataDir || !apiUrl) throw new Error('no cluster to test: run `npm run test:cluster`');
  const runDir = path.join(dataDir, 'cluster', 'run');
  const pidOf = async (part: string) => Number(await fs.readFile(path.join(runDir, `${part}.pid`), 'utf8'));
  return {
    api: apiClient(apiUrl),
    operatorKey: (await fs.readFile(path.join(dataDir, 'operator-key'), 'utf8')).trim(),
    pidOf,
    async restart(part, signal) {
      const before = await pidOf(part);
      process.kill(before, signal);
      const deadline = Date.now() + 60_000;
      // The supervisor rewrites the pid file when it starts the part again.
      for (;;) {
        const now = await pidOf(part).catch(() => undefined);
        if (now && now !== before) return;
        if (Date.now() > deadline) throw new Error(`${part} was not started again`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
}
