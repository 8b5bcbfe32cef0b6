import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TestProject } from 'vitest/node';
import { registerSearchAttributes } from '../../src/temporal/search-attributes';
import { bundleWorkflows } from '../helpers/workflow-bundle';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
    temporalCliPath: string;
  }
}

/**
 * One real Temporal dev server (in memory) and one workflow bundle for the whole run; each test
 * file starts its own worker and API on a task queue of its own.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cliPath = process.env.TEMPORAL_CLI_PATH;
  if (!cliPath) throw new Error('TEMPORAL_CLI_PATH is not set: run the tests with `npm test`');
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: cliPath }, extraArgs: ['--log-level', 'error'] },
  });
  await registerSearchAttributes(env.client, 'default');
  const bundle = await bundleWorkflows();

  project.provide('temporalAddress', env.address);
  project.provide('workflowBundlePath', bundle.path);
  project.provide('temporalCliPath', cliPath);
  return async () => {
    await env.teardown();
    await bundle.remove();
  };
}
