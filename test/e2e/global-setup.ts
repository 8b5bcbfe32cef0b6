import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TestProject } from 'vitest/node';
import { registerSearchAttributes } from '../../src/temporal/search-attributes';
import { taskDispatchArgs } from '../../src/temporal/task-dispatch';
import { compileWorkerProcess } from '../helpers/compiled-worker';
import { runBundle } from '../helpers/workflow-bundle';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
    temporalCliPath: string;
    workerProcessPath: string;
  }
}

/**
 * One real Temporal dev server (in memory), one workflow bundle and one compiled worker process for
 * the whole run; each test file starts its own worker and API on a task queue of its own. With
 * SIGNAL_PUSH_TEST_TEMPORAL_ADDRESS set (`npm run test:cluster`), the tests run against that already
 * started cluster instead.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cliPath = process.env.TEMPORAL_CLI_PATH;
  if (!cliPath) throw new Error('TEMPORAL_CLI_PATH is not set: run the tests with `npm test`');
  // The server starts in a process of its own while this one bundles (the unit tier's setup, when
  // it ran first, already has).
  const bundling = runBundle();
  const compiling = compileWorkerProcess();
  const temporal = await (process.env.SIGNAL_PUSH_TEST_TEMPORAL_ADDRESS
    ? connectToCluster(process.env.SIGNAL_PUSH_TEST_TEMPORAL_ADDRESS)
    : startDevServer(cliPath));
  await registerSearchAttributes(temporal.client, 'default');
  const bundle = await bundling;
  const workerProcess = await compiling;

  project.provide('temporalAddress', temporal.address);
  project.provide('workflowBundlePath', bundle.path);
  project.provide('temporalCliPath', cliPath);
  project.provide('workerProcessPath', workerProcess.path);
  return async () => {
    await temporal.close();
    await bundle.remove();
    await workerProcess.remove();
  };
}

interface Temporal {
  address: string;
  client: Client;
  close(): Promise<void>;
}

async function startDevServer(cliPath: string): Promise<Temporal> {
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: cliPath },
      extraArgs: ['--log-level', 'error', ...taskDispatchArgs()],
    },
  });
  return { address: env.address, client: env.client, close: () => env.teardown() };
}

async function connectToCluster(address: string): Promise<Temporal> {
  const connection = await Connection.connect({ address });
  return { address, client: new Client({ connection }), close: () => connection.close() };
}
