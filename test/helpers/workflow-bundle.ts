import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { failureConverterPath } from '../../src/codec/data-converter';
import { workflowInterceptorModules } from '../../src/temporal/workflow-interceptor-modules';

export interface WorkflowBundle {
  path: string;
  remove(): Promise<void>;
}

const RUN_BUNDLE = Symbol.for('signal-push.test.run-bundle');

/**
 * The run's one plain bundle, for both tiers' global setups. They run one after the other in
 * vitest's main process, each with a copy of this module of its own, so the bundle is kept on
 * `globalThis`; either may remove it at the end of the run.
 */
export function runBundle(): Promise<WorkflowBundle> {
  const run = globalThis as { [RUN_BUNDLE]?: Promise<WorkflowBundle> };
  return (run[RUN_BUNDLE] ??= bundleWorkflows());
}

/**
 * Bundles the workflows once for a test run, as the worker's own bundling does (with tracing when
 * `traced`), into a temporary file; `remove` deletes it.
 */
export async function bundleWorkflows({ traced = false } = {}): Promise<WorkflowBundle> {
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
