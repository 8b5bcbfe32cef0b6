import type { TestProject } from 'vitest/node';
import { runBundle } from '../helpers/workflow-bundle';

declare module 'vitest' {
  export interface ProvidedContext {
    workflowBundlePath: string;
    testServerPath: string;
  }
}

/**
 * The unit tier starts no service and no dev server: one workflow bundle for the run, and the path
 * of Temporal's time-skipping test server, which workflow tests start for themselves.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const testServerPath = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (!testServerPath) throw new Error('TEMPORAL_TEST_SERVER_PATH is not set: run the tests with `npm test`');
  const bundle = await runBundle();
  project.provide('workflowBundlePath', bundle.path);
  project.provide('testServerPath', testServerPath);
  return () => bundle.remove();
}
