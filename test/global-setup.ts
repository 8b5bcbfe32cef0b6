import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { failureConverterPath } from '../src/codec/data-converter';
import { registerSearchAttributes } from '../src/temporal/search-attributes';

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

  const { code } = await bundleWorkflowCode({
    workflowsPath: path.resolve(__dirname, '../workflows/index.ts'),
    // Workflow failures are converted inside the sandbox: the bundle must carry the converter that
    // moves their messages into (encrypted) payloads, as the worker's own bundling does.
    failureConverterPath,
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'signal-push-bundle-'));
  const bundlePath = path.join(dir, 'workflows.js');
  await fs.writeFile(bundlePath, code);

  project.provide('temporalAddress', env.address);
  project.provide('workflowBundlePath', bundlePath);
  project.provide('temporalCliPath', cliPath);
  return async () => {
    await env.teardown();
    await fs.rm(dir, { recursive: true, force: true });
  };
}
