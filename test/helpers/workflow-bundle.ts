import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { failureConverterPath } from '../../src/codec/data-converter';
import { workflowInterceptorModules } from '../../src/temporal/workflow-interceptor-modules';

/**
 * Bundles the workflows once for a test run, as the worker's own bundling does (with tracing when
 * `traced`), into a temporary file; `remove` deletes it.
 */
export async function bundleWorkflows({ traced = false } = {}): Promise<{
  path: string;
  remove(): Promise<void>;
}> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.resolve(__dirname, '../../workflows/index.ts'),
    // Workflow failures are converted inside the sandbox: the bundle must carry the converter that
    // moves their messages into (encrypted) payloads.
    failureConverterPath,
    // The same interceptors as the worker's own bundling adds (src/worker.ts).
    workflowInterceptorModules: workflowInterceptorModules(traced),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'signal-push-bundle-'));
  const bundlePath = path.join(dir, 'workflows.js');
  await fs.writeFile(bundlePath, code);
  return { path: bundlePath, remove: () => fs.rm(dir, { recursive: true, force: true }) };
}
